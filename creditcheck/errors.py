"""领域错误：每个错误都带一条给用户看的中文说明。"""

from __future__ import annotations


class CreditCheckError(Exception):
    """所有可预期错误的基类；``str(err)`` 就是给用户看的一行中文。"""


class InputError(CreditCheckError, ValueError):
    """用户输入（日期、月份、规则、科室名……）无法识别。"""


class StaleRecordError(CreditCheckError):
    """保存时发现盘上的记录已不是读出时的那一版（别处在此期间保存过）：这次保存被拒绝，什么也没写。

    界面收到后重新读入该月；命令行照常显示这一行说明。
    """

    def __init__(self, message: str = "该月数据已在别处更改，请重新载入后再改。") -> None:
        super().__init__(message)
