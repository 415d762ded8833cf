"""领域错误：每个错误都带一条给用户看的中文说明。"""

from __future__ import annotations


class CreditCheckError(Exception):
    """所有可预期错误的基类；``str(err)`` 就是给用户看的一行中文。"""


class InputError(CreditCheckError, ValueError):
    """用户输入（日期、月份、规则、科室名……）无法识别。"""
