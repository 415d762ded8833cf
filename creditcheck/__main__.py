"""``python -m creditcheck`` 等同于 ``creditcheck``。"""

from creditcheck.cli import run

run()
