#!/bin/sh
# 信用状况监测自查 离线安装（creditcheck @VERSION@，Linux）：在本文件夹建虚拟环境 .venv，从 wheels 安装，放桌面图标。
# 不连网：pip 用 --no-index --find-links。数据和设置在用户数据文件夹里，重装、升级都不受影响。
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 1
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INDEX=1 PYTHONUTF8=1

fail() {
  echo "$1" >&2
  exit 1
}

ok_version='import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)'

echo "正在安装“信用状况监测自查”（版本 @VERSION@），请稍候……"
py=""
for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$ok_version" >/dev/null 2>&1; then
    py=$candidate
    break
  fi
done
[ -n "$py" ] || fail "没有找到 Python @PYTHONS@。请联系信息技术人员安装 Python 3（3.10 到 3.13 之间的版本）及 python3-venv，装好后再运行本文件。"

if [ -x .venv/bin/python ] && ! .venv/bin/python -c "$ok_version" >/dev/null 2>&1; then
  rm -rf .venv
fi
if [ -x .venv/bin/python ]; then
  echo "[1/3] 沿用已有的虚拟环境（升级安装）。"
else
  echo "[1/3] 建立虚拟环境……"
  "$py" -m venv .venv || fail "建立虚拟环境失败。统信 UOS、麒麟等系统请联系信息技术人员安装 python3-venv（sudo apt install python3-venv）后再运行本文件。"
fi

echo "[2/3] 安装程序及其依赖（不需要连网）……"
.venv/bin/python -m pip install --no-index --find-links "$here/wheels" --upgrade --quiet "creditcheck[web]==@VERSION@" \
  || fail "安装失败：上面是出错信息。安装包可能不完整，请重新复制整个文件夹后再试。"

echo "[3/3] 在桌面放置图标……"
.venv/bin/creditcheck shortcut || echo "桌面图标没有放好；可以在终端里运行 $here/.venv/bin/creditcheck 启动程序。"

echo
echo "安装完成。双击桌面上的“信用状况监测自查”图标即可使用（首次双击时桌面可能询问是否信任，选“信任并启动”）。"
echo "数据和设置保存在用户数据文件夹里，以后升级（解压新版本到本文件夹后再运行 install.sh）不会丢失。"
