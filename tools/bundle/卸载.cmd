@echo off
chcp 65001 >nul
setlocal EnableExtensions DisableDelayedExpansion
rem @APP@ uninstall for Windows: removes the private environment that 安装.cmd created in
rem %LOCALAPPDATA% and the Desktop launchers that run it. Never touches a ledger, its backups
rem (台账备份) or its outputs (督办输出). Encoding and quoting as in 安装.cmd.
title @APP@ 卸载
set "HERE=%~dp0"
set "PYTHONPATH="
set "PYTHONHOME="
if not defined LOCALAPPDATA goto not_installed
set "APP=%LOCALAPPDATA%\@APP@"
if not exist "%APP%\pyvenv.cfg" goto not_installed
"%APP%\Scripts\python.exe" "%HERE%@FILES@\remove_shortcuts.py"
if errorlevel 1 echo 未能自动删除桌面快捷方式：请手动删除桌面上的“督办台账每周运行（…）”图标。
rmdir /s /q "%APP%"
if exist "%APP%" goto busy
echo 已卸载督办台账（删除了"%APP%"）。台账、台账备份和督办输出都保留在原处，没有改动。
pause
exit /b 0

:not_installed
echo 没有找到已安装的督办台账，无需卸载。
pause
exit /b 0

:busy
echo 未能完全删除程序文件夹"%APP%"：请关闭正在运行的督办台账窗口后再运行一次本程序。
pause
exit /b 1
