"""HTQ Standards Explorer: the library behind the dashboard and the command line."""

__version__ = "0.1.0"
