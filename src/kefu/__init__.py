"""kefu: a customer service center platform for telecom operators."""

__version__ = "0.1.0"
