"""FutureWarnings for old spellings, pointed at the user's line (issue 13's one vocabulary).

An old spelling keeps working for one release with a :class:`FutureWarning` that names the
new one. The warning points at the first caller outside geoaccess, so a user sees their
own line whether they called the function directly or through another geoaccess function
that passed their value on (``evaluate(measures={"gravity": {"max_minutes": 30}})``).
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

from .errors import InputError

__all__ = ["renamed_option", "warn_old"]


def _module_of(frame: Any) -> str:
    return str(frame.f_globals.get("__name__", ""))


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def warn_old(message: str, *, internal_ok: bool = False) -> None:
    """Warn (FutureWarning) at the first caller outside geoaccess.

    Parameters
    ----------
    message : str
        What changed and the new spelling.
    internal_ok : bool
        Say nothing when the old spelling came from another geoaccess module (outside the
        calling subpackage, e.g. ``evaluate`` calling ``measures``) rather than from the
        user: the user cannot act on it, and those callers move to the new spelling in
        the same release.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_old("engine='scipy' is now engine='fallback'")
    >>> caught[0].category.__name__, str(caught[0].message)
    ('FutureWarning', "engine='scipy' is now engine='fallback'")
    """
    frame: Any = sys._getframe(1)  # the caller; stacklevel 1 would be this function
    level = 2
    own = ".".join(_module_of(frame).split(".")[:2])  # e.g. geoaccess.measures
    while frame is not None and _inside(_module_of(frame), own):
        frame, level = frame.f_back, level + 1
    if frame is not None and internal_ok and _inside(_module_of(frame), "geoaccess"):
        return
    while frame is not None and _inside(_module_of(frame), "geoaccess"):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, FutureWarning, stacklevel=level)


def renamed_option(new_value: Any, old_value: Any, *, new: str, old: str, func: str,
                   note: str = "") -> Any:
    """The value of an option whose keyword was renamed (``old`` → ``new``).

    The old keyword still works, with a FutureWarning that names the old and the new
    keyword and says the old one goes in a future release (``note`` says why, if given);
    giving both is an :class:`~geoaccess.errors.InputError` naming the new keyword. The one
    helper for every renamed keyword in geoaccess.

    Examples
    --------
    >>> renamed_option(20.0, None, new="cutoff_minutes", old="max_minutes", func="gravity")
    20.0
    """
    if old_value is None:
        return new_value
    if new_value is not None:
        raise InputError(f"{func}: give {new}= only ({old}= is its old name)", column=new)
    why = f" ({note})" if note else ""
    warn_old(f"{func}: {old}= is now {new}={why}; the old name will be removed in a future "
             "release")
    return old_value
