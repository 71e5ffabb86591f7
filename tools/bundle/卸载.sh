#!/bin/sh
# shellcheck disable=SC1111  # the “” in messages are Chinese quotation marks, meant literally
# @APP@ 卸载（Linux）。用法：sh 卸载.sh
#
# Removes the private environment that 安装.sh created and the Desktop launchers that run it.
# Never touches a ledger, its backups (台账备份) or its outputs (督办输出).

HERE=${0%/*}
[ "$HERE" = "$0" ] && HERE=.
HERE=$(cd "$HERE" && pwd) || exit 1
case ${XDG_DATA_HOME:-} in
  /*) APP=$XDG_DATA_HOME/@APP@ ;;
  *) APP=$HOME/.local/share/@APP@ ;;
esac
unset PYTHONPATH PYTHONHOME

if [ ! -f "$APP/pyvenv.cfg" ]; then
  echo "没有找到已安装的督办台账（$APP），无需卸载。"
  exit 0
fi
if ! "$APP/bin/python" "$HERE/@FILES@/remove_shortcuts.py"; then
  echo "未能自动删除桌面快捷方式：请手动删除桌面上的“督办台账每周运行（…）”图标。"
fi
if ! rm -rf -- "$APP"; then
  echo "未能完全删除程序文件夹“$APP”：请关闭正在运行的督办台账窗口后再运行一次本程序。"
  exit 1
fi
echo "已卸载督办台账（删除了“$APP”）。台账、台账备份和督办输出都保留在原处，没有改动。"
exit 0
