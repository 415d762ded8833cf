"""creditcheck（信用状况监测自查）：领域核心。

本包除 ``creditcheck.cli`` 外都是纯领域代码：不导入 Textual、TinyDB、python-docx、openpyxl。
"""

__version__ = "0.1.0"
