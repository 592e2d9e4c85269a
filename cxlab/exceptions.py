"""Exceptions raised by cxlab. All share one base class, :class:`CxlabError`."""


class CxlabError(Exception):
    """Base class of every error cxlab raises on purpose."""


class SchemaError(CxlabError, ValueError):
    """A table does not match its canonical schema (missing columns, wrong types, bad rows)."""


class DataLoadError(CxlabError, ValueError):
    """A file could not be read (unknown format, encoding, empty file)."""


class ParameterError(CxlabError, ValueError):
    """A parameter given to a report, estimator or CLI is unknown or out of range."""


class ReportError(CxlabError, RuntimeError):
    """A notebook in a report run failed; the message names the notebook and the cell."""


class ModelVersionError(CxlabError, ValueError):
    """A saved model was written by an incompatible cxlab version."""


class NotFittedError(CxlabError, AttributeError):
    """An estimator was used before ``fit``."""
