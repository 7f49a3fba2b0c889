"""Stand-in for the pip bootstrap script ansible-test downloads from its CI file host.

Installed as ~/.ansible/test/cache/get_pip_<version>.py by `make sanity` only where that host cannot be
reached. ansible-test runs it as `python get_pip.py pip==X.Y <pip install options>`; this bootstraps pip from
the standard library and then installs what was asked.
"""

from __future__ import annotations

import os
import subprocess
import sys

IGNORED = {"--no-setuptools", "--no-wheel"}

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
# ensurepip leaves PIP_CONFIG_FILE=/dev/null in our environment; the machine's pip
# configuration (its CA bundle, its index) must apply to the real install.
environment = {key: value for key, value in os.environ.items() if key != "PIP_CONFIG_FILE"}
arguments = [argument for argument in sys.argv[1:] if argument not in IGNORED]
subprocess.check_call([sys.executable, "-m", "pip", "install", *arguments], env=environment)
