"""The one error every dictionary reader raises, naming the file and the place."""


class DictionaryError(ValueError):
    """A dictionary file could not be read; the message names the file and line or entry."""
