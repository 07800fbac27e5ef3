"""termsieve: bilingual Chinese-English terminology extraction, review and consistency checking."""

__version__ = "0.1.0"
