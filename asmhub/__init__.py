"""ASM Hub: the open partnership platform for artisanal and small-scale mining."""

__version__ = "0.1.0"
