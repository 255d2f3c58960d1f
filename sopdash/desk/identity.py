"""Who is at the keyboard: the OS login of the process, not $USER (which anyone can set)."""

import os
import pwd


def current_login() -> str:
    """The login name of the process's real user id."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())
