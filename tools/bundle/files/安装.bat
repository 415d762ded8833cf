@echo off
chcp 936 >nul
setlocal EnableExtensions
rem 信用状况监测自查 离线安装（creditcheck @VERSION@）：在本文件夹建虚拟环境 .venv，从 wheels 安装，放桌面图标。
rem 不连网：pip 用 --no-index --find-links。数据和设置在用户数据文件夹里，重装、升级都不受影响。
title 信用状况监测自查 - 安装
cd /d "%~dp0"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "PIP_NO_INDEX=1"
set "PYTHONUTF8=1"

echo 正在安装“信用状况监测自查”（版本 @VERSION@），请稍候……
echo.

set "PY="
for %%V in (3.13 3.12 3.11 3.10) do (
  if not defined PY (
    py -%%V -c "import sys" >nul 2>&1 && set "PY=py -%%V"
  )
)
if not defined PY (
  python -c "import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo 没有找到 Python @PYTHONS@。
  echo 请联系信息技术人员安装 Python 3.12（64 位，安装时勾选“Add python.exe to PATH”），装好后再双击本文件。
  goto :failed
)

if exist ".venv\Scripts\python.exe" (
  ".venv\Scripts\python.exe" -c "import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1 || rmdir /s /q ".venv"
)
if not exist ".venv\Scripts\python.exe" (
  echo [1/3] 建立虚拟环境……
  %PY% -m venv ".venv"
  if errorlevel 1 (
    echo 建立虚拟环境失败。请确认本文件夹可以写入（不要放在 C:\Program Files 之类的系统文件夹里）。
    goto :failed
  )
) else (
  echo [1/3] 沿用已有的虚拟环境（升级安装）。
)

echo [2/3] 安装程序及其依赖（不需要连网）……
".venv\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --upgrade --quiet "creditcheck[web]==@VERSION@"
if errorlevel 1 (
  echo 安装失败：上面是出错信息。安装包可能不完整，请重新复制整个文件夹后再试。
  goto :failed
)

echo [3/3] 在桌面放置图标……
".venv\Scripts\creditcheck.exe" shortcut
if errorlevel 1 (
  echo 桌面图标没有放好；可以直接双击 .venv\creditcheck-start.cmd 启动程序。
)

echo.
echo 安装完成。双击桌面上的“信用状况监测自查”图标即可使用。
echo 数据和设置保存在用户数据文件夹里，以后升级（解压新版本到本文件夹后再双击“安装.bat”）不会丢失。
echo.
pause
exit /b 0

:failed
echo.
pause
exit /b 1
