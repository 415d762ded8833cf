"""导出层：领域对象 → 文件（Word、Excel、日历），以及 Excel 文件 → 领域对象。不导入 Textual。

python-docx 与 openpyxl 较重，只在真正导出或导入时才加载（不在本文件导入）。
"""
