#!/bin/sh
# shellcheck disable=SC1111  # the “” in messages are Chinese quotation marks, meant literally
# @APP@ @VERSION@ 安装（Linux：统信 UOS、麒麟等）。用法：sh 安装.sh [台账.xlsx]
#
# Installs from the wheels beside this script into a private virtual environment in the user's
# own folder: no internet, no administrator rights. Running it again upgrades in place (the
# environment keeps its path, so existing Desktop launchers keep working). Until a suitable Python
# is found only shell built-ins run, so a missing Python changes nothing. Questions are asked
# only when standard input is a terminal; otherwise nothing waits for an answer.

VERSIONS="@PYTHONS@"
HERE=${0%/*}
[ "$HERE" = "$0" ] && HERE=.
HERE=$(cd "$HERE" && pwd) || exit 1
WHEELS=$HERE/@FILES@
case ${XDG_DATA_HOME:-} in
  /*) APP=$XDG_DATA_HOME/@APP@ ;;
  *) APP=$HOME/.local/share/@APP@ ;;
esac
VPY=$APP/bin/python
DEFAULT_LEDGER=$HOME/@APP@/台账.xlsx
INTERACTIVE=
[ -t 0 ] && INTERACTIVE=1

# ask PROMPT: the answer in ANSWER, trimmed and without the quotes a dragged-in file gets;
# empty at once when there is no terminal to answer from
ask() {
  ANSWER=
  [ -n "$INTERACTIVE" ] || return 0
  printf '%s' "$1"
  read -r ANSWER || ANSWER=
  ANSWER=${ANSWER#"${ANSWER%%[! ]*}"}
  ANSWER=${ANSWER%"${ANSWER##*[! ]}"}
  case $ANSWER in
    \'*\') ANSWER=${ANSWER#\'}; ANSWER=${ANSWER%\'} ;;
    \"*\") ANSWER=${ANSWER#\"}; ANSWER=${ANSWER%\"} ;;
  esac
}

# probe COMMAND...: its Python version ("3.12") in PROBED, empty when it does not run
probe() {
  PROBED=$("$@" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null </dev/null) || PROBED=
}

if [ ! -f "$WHEELS/@PIP_WHEEL@" ]; then
  echo "找不到安装文件（$WHEELS），未做任何改动：请先把压缩包完整解压，再运行解压出的 安装.sh。"
  exit 1
fi

unset PYTHONPATH PYTHONHOME
PY=
FOUND=
CANDIDATES=python3
for v in $VERSIONS; do CANDIDATES="$CANDIDATES python$v"; done
for cand in $CANDIDATES python; do
  command -v "$cand" >/dev/null 2>&1 || continue
  probe "$cand"
  [ -n "$PROBED" ] || continue
  for v in $VERSIONS; do
    if [ "$PROBED" = "$v" ]; then
      PY=$cand
      PYVER=$v
      break 2
    fi
  done
  FOUND="$FOUND Python $PROBED（$cand）"
done

if [ -z "$PY" ]; then
  echo "没有找到可用的 Python，未做任何改动。"
  echo "本安装包需要 Python @PYTHONS_TEXT@（64 位）。"
  [ -n "$FOUND" ] && echo "本机已有的$FOUND 版本不符。"
  echo "请先安装 Python @PYTHONS_TEXT@，再重新运行本程序："
  echo "  统信 UOS、麒麟：在“应用商店”中搜索安装 Python @PYTHONS_TEXT@（软件包名一般为 python@FIRST_PYTHON@），"
  echo "  或请本单位信息中心按 https://www.python.org/downloads/ 安装 Python @PYTHONS_TEXT@。"
  exit 1
fi

if [ -e "$APP" ] && [ ! -f "$APP/pyvenv.cfg" ]; then
  echo "文件夹“$APP”已存在，但不是督办台账的程序文件夹，未做任何改动：请把它改名或移走后重新运行本程序。"
  exit 1
fi
if [ -f "$APP/pyvenv.cfg" ]; then
  probe "$VPY"
  if [ "$PROBED" = "$PYVER" ]; then
    echo "正在升级已安装的督办台账：$APP"
  else
    echo "正在重新安装督办台账（Python 版本已变化）：$APP"
    "$PY" -m venv --without-pip --clear "$APP" || exit 1
  fi
else
  echo "正在安装督办台账到：$APP"
  if ! mkdir -p "${APP%/*}" || ! "$PY" -m venv --without-pip "$APP"; then
    echo "无法创建程序文件夹“$APP”：请检查该位置是否可写，或磁盘空间是否已满。"
    exit 1
  fi
fi

echo "正在安装程序文件（约需 1 分钟，不需要联网）……"
# Only the bundled wheels: no index, no pip.conf of this machine (it may point at a mirror).
PIP_CONFIG_FILE=/dev/null
export PIP_CONFIG_FILE
# The program itself is always reinstalled; a dependency only when the bundle carries a newer one.
if ! "$VPY" "$WHEELS/@PIP_WHEEL@/pip" install --no-index --find-links "$WHEELS" --upgrade --upgrade-strategy eager \
    --no-warn-script-location --disable-pip-version-check --quiet "@PROJECT@==@VERSION@" \
  || ! "$VPY" "$WHEELS/@PIP_WHEEL@/pip" install --no-index --find-links "$WHEELS" --force-reinstall --no-deps \
    --no-warn-script-location --disable-pip-version-check --quiet "@PROJECT@==@VERSION@"; then
  echo "安装未完成：请把上面的信息发给维护人员。"
  exit 1
fi
echo "已安装督办台账 @VERSION@。"

LEDGER=${1:-}
NEW=
if [ -z "$LEDGER" ]; then
  ask "请把台账文件拖进本窗口（或输入台账文件的完整路径）后按回车；还没有台账请直接按回车："
  LEDGER=$ANSWER
fi
if [ -z "$LEDGER" ]; then
  ask "还没有台账？输入 y 并回车，新建台账“$DEFAULT_LEDGER”；直接回车跳过："
  case $ANSWER in [yY]*) LEDGER=$DEFAULT_LEDGER; NEW=1 ;; esac
elif [ ! -e "$LEDGER" ]; then
  ask "找不到台账“$LEDGER”。输入 y 并回车，在这个位置新建台账；直接回车跳过："
  case $ANSWER in
    [yY]*) NEW=1 ;;
    *) echo "找不到台账“$LEDGER”，未创建桌面快捷方式。"; LEDGER= ;;
  esac
fi
if [ -n "$NEW" ]; then
  "$VPY" -m ledger.cli init "$LEDGER" || LEDGER=
fi
if [ -z "$LEDGER" ]; then
  echo "以后要创建桌面快捷方式，请再运行一次：sh 安装.sh 台账文件.xlsx"
  exit 0
fi
if ! "$VPY" -m ledger.cli shortcut "$LEDGER"; then
  echo "程序已安装，但未能创建桌面快捷方式：请按上面的提示处理后再运行一次本程序。"
  exit 1
fi
exit 0
