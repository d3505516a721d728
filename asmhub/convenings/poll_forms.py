"""Forms to set up a poll or survey and its questions, and the form a participant answers.

Times are typed in the convening's time zone (the view activates it), as the agenda is.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asmhub.convenings.forms import ConveningPartForm, LinesField, limit
from asmhub.convenings.poll_models import Poll, Question

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DaysField(forms.CharField):
    """Whole numbers of days, typed separated by commas: "7, 2"."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        days: list[int] = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 0 < int(part) <= 365:
                raise forms.ValidationError(
                    _("“%(part)s” is not a number of days between 1 and 365."),
                    params={"part": part},
                )
            days.append(int(part))
        return sorted(set(days), reverse=True)


class PollForm(ConveningPartForm):
    reminder_days = DaysField(
        label=_("Remind on these days before the deadline"),
        required=False,
        help_text=_("For a survey: for instance “7, 2”. Leave blank for no reminders."),
    )

    class Meta:
        model = Poll
        fields = [
            "kind",
            "title",
            "introduction",
            "session",
            "anonymous",
            "results",
            "opens_at",
            "closes_at",
            "reminder_days",
            "source",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DATETIME,
            "closes_at": DATETIME,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "session", self.convening.sessions.all())
        self.fields["opens_at"].help_text = _(
            "Leave blank to open it by hand. Times are in the convening's time zone."
        )
        if self.instance.pk and self.instance.responses.exists():
            self.fields["anonymous"].disabled = True
            self.fields["anonymous"].help_text = _(
                "It has answers: whether it is anonymous can no longer change."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("It must close after it opens."))
        if data.get("reminder_days") and not closes:
            self.add_error("reminder_days", _("Reminders need a deadline (“closes”)."))
        return data


class QuestionForm(forms.ModelForm):
    options = LinesField(
        label=_("Choices"),
        help_text=_(
            "One per line. For a rating question, the things to rate. Not used for free text."
        ),
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text",
            "help_text",
            "required",
            "max_choices",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "position",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answered = bool(self.instance.pk and self.instance.answers.exists())
        if self.instance.pk:
            self.fields["options"].initial = [o.label for o in self.instance.options.all()]
        if self.answered:
            for name in ("kind", "options", "scale_min", "scale_max"):
                self.fields[name].disabled = True
            self.fields["options"].help_text = _(
                "It has answers: its choices can no longer change."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        options = data.get("options") or []
        if kind and kind != Question.Kind.TEXT and not self.answered:
            if len(options) < (1 if kind == Question.Kind.RATING else 2):
                self.add_error("options", _("Give at least two choices, one per line."))
            if len(set(options)) != len(options):
                self.add_error("options", _("Each choice may appear once."))
        low, high = data.get("scale_min"), data.get("scale_max")
        if kind == Question.Kind.RATING and low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest rating must be above the lowest."))
        return data


def _field_name(question: Question, option_id: int | None = None) -> str:
    return f"q{question.pk}" if option_id is None else f"q{question.pk}_o{option_id}"


class AnswerForm(forms.Form):
    """One field per question (per option, for ranking and rating)."""

    def __init__(
        self, *args: Any, poll: Poll, initial_answers: dict[int, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.questions = list(poll.questions.prefetch_related("options"))
        given = initial_answers or {}
        for question in self.questions:
            self._add(question, given.get(question.pk))

    def _add(self, question: Question, given: Any) -> None:
        options = list(question.options.all())
        choices = [(str(o.pk), o.label) for o in options]
        label, help_text = question.text, question.help_text
        kind = question.kind
        if kind == Question.Kind.SINGLE:
            self.fields[_field_name(question)] = forms.ChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=str(given) if given else None,
            )
        elif kind == Question.Kind.MULTIPLE:
            self.fields[_field_name(question)] = forms.MultipleChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(g) for g in given or []],
            )
        elif kind == Question.Kind.RANKING:
            places = [("", "—")] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
            order = {option_id: n for n, option_id in enumerate(given or [], start=1)}
            for option in options:
                self.fields[_field_name(question, option.pk)] = forms.ChoiceField(
                    label=option.label,
                    choices=places,
                    required=False,
                    initial=str(order.get(option.pk, "")),
                )
        elif kind == Question.Kind.RATING:
            scale = [("", "—")] + [
                (str(n), str(n)) for n in range(question.scale_min, question.scale_max + 1)
            ]
            for option in options:
                self.fields[_field_name(question, option.pk)] = forms.ChoiceField(
                    label=option.label,
                    choices=scale,
                    required=False,
                    initial=str((given or {}).get(option.pk, "")),
                )
        else:
            self.fields[_field_name(question)] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                initial=given or "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def groups(self) -> list[tuple[Question, list[forms.BoundField]]]:
        """The bound fields of each question, for the template."""
        found = []
        for question in self.questions:
            prefix = _field_name(question)
            fields = [
                self[name]
                for name in self.fields
                if name == prefix or name.startswith(prefix + "_")
            ]
            found.append((question, fields))
        return found

    def values(self) -> dict[int, Any]:
        """The answers in the shape ``polls.submit`` takes."""
        data = self.cleaned_data
        values: dict[int, Any] = {}
        for question in self.questions:
            kind = question.kind
            if kind in (Question.Kind.RANKING, Question.Kind.RATING):
                given = {
                    option.pk: data.get(_field_name(question, option.pk))
                    for option in question.options.all()
                }
                given = {k: v for k, v in given.items() if v not in (None, "")}
                if kind == Question.Kind.RATING:
                    values[question.pk] = given
                    continue
                places = sorted(given.items(), key=lambda item: int(str(item[1])))
                if len({place for _option, place in places}) != len(places):
                    self.add_error(
                        _field_name(question, places[0][0]),
                        _("Give each choice a different place."),
                    )
                values[question.pk] = [option_id for option_id, _place in places]
            else:
                values[question.pk] = data.get(_field_name(question))
        return values
