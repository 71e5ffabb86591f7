@echo off
chcp 65001 >nul
setlocal EnableExtensions DisableDelayedExpansion
rem @APP@ @VERSION@ install for Windows 10/11 x64. Double-click, or drop the ledger .xlsx onto this file.
rem
rem Installs from the wheels beside this file into a private virtual environment in
rem %LOCALAPPDATA%: no internet, no administrator rights. Running it again upgrades in place, so
rem the Desktop launchers keep working. cmd.exe reads each line with the code page in force when
rem it reaches it: everything up to "chcp 65001" is ASCII, the file is UTF-8 without BOM with CRLF
rem line endings. Every path is used only inside double quotes, and paths never pass through
rem "call" arguments (call expands percent signs a second time). set /p returns at once when standard input
rem is not a console, so nothing waits for an answer then.
title @APP@ 安装
set "VERSIONS=@PYTHONS@"
set "HERE=%~dp0"
set "WHEELS=%~dp0@FILES@"
set "LEDGER=%~1"
set "PYTHONPATH="
set "PYTHONHOME="
rem Double-clicked inside the zip, Explorer extracts this file alone into a temporary folder.
if not exist "%WHEELS%\@PIP_WHEEL@" goto not_extracted
if not defined LOCALAPPDATA goto no_appdata
set "APP=%LOCALAPPDATA%\@APP@"
set "VPY=%LOCALAPPDATA%\@APP@\Scripts\python.exe"
set "DEFAULT_LEDGER=%USERPROFILE%\@APP@\台账.xlsx"

set "PY="
set "PYVER="
set "FOUND="
for %%V in (%VERSIONS%) do if not defined PY call :probe py -%%V
if not defined PY call :probe py -3
if not defined PY call :probe python
if not defined PY call :probe python3
if not defined PY goto no_python

if not exist "%APP%" goto create_env
if not exist "%APP%\pyvenv.cfg" goto not_ours
set "OLDVER="
for /f "usebackq tokens=1,2 delims== " %%a in ("%APP%\pyvenv.cfg") do if /i "%%a"=="version" set "OLDVER=%%b"
set "OLDMM="
if defined OLDVER for /f "tokens=1,2 delims=." %%x in ("%OLDVER%") do set "OLDMM=%%x.%%y"
if "%OLDMM%"=="%PYVER%" goto upgrade_env
echo 正在重新安装督办台账（Python 版本已变化）："%APP%"
"%PY%" -m venv --without-pip --clear "%APP%"
if errorlevel 1 goto env_failed
goto install
:upgrade_env
echo 正在升级已安装的督办台账："%APP%"
goto install
:create_env
echo 正在安装督办台账到："%APP%"
"%PY%" -m venv --without-pip "%APP%"
if errorlevel 1 goto env_failed

:install
echo 正在安装程序文件（约需 1 分钟，不需要联网）……
rem Only the bundled wheels: no index, and no pip.ini of this PC (it may point at a mirror).
set "PIP_CONFIG_FILE=nul"
rem The program itself is always reinstalled; a dependency only when the bundle carries a newer one.
"%VPY%" "%WHEELS%\@PIP_WHEEL@\pip" install --no-index --find-links "%WHEELS%" --upgrade --upgrade-strategy eager --no-warn-script-location --disable-pip-version-check --quiet "@PROJECT@==@VERSION@"
if errorlevel 1 goto install_failed
"%VPY%" "%WHEELS%\@PIP_WHEEL@\pip" install --no-index --find-links "%WHEELS%" --force-reinstall --no-deps --no-warn-script-location --disable-pip-version-check --quiet "@PROJECT@==@VERSION@"
if errorlevel 1 goto install_failed
echo 已安装督办台账 @VERSION@。

set "NEW="
if defined LEDGER goto check_ledger
echo 请把台账文件拖进本窗口（或输入台账文件的完整路径）后按回车；还没有台账请直接按回车。
set "PROMPT=台账文件："
call :ask
set "LEDGER=%ANSWER%"
if defined LEDGER goto check_ledger
set "PROMPT=还没有台账？输入 y 并回车，新建台账“%DEFAULT_LEDGER%”；直接回车跳过："
call :ask
if /i not "%ANSWER%"=="y" goto no_ledger
set "LEDGER=%DEFAULT_LEDGER%"
goto make_ledger

:check_ledger
if exist "%LEDGER%" goto shortcut
set "PROMPT=找不到台账“%LEDGER%”。输入 y 并回车，在这个位置新建台账；直接回车跳过："
call :ask
if /i "%ANSWER%"=="y" goto make_ledger
echo 找不到台账"%LEDGER%"，未创建桌面快捷方式。
goto no_ledger

:make_ledger
"%VPY%" -m ledger.cli init "%LEDGER%"
if errorlevel 1 goto no_ledger

:shortcut
"%VPY%" -m ledger.cli shortcut "%LEDGER%"
if errorlevel 1 goto shortcut_failed
echo.
echo 安装完成。
pause
exit /b 0

:no_ledger
echo 以后要创建桌面快捷方式，请把台账文件拖到“安装.cmd”图标上，再运行一次本程序。
echo.
echo 安装完成。
pause
exit /b 0

:no_python
echo 没有找到可用的 Python，未做任何改动。
echo 本安装包需要 Python @PYTHONS_TEXT@（64 位）。
if defined FOUND echo 本机已有的%FOUND% 版本不符。
echo 请先安装 Python @PYTHONS_TEXT@，再重新运行本程序：
echo   从 https://www.python.org/downloads/windows/ 下载 Python @FIRST_PYTHON@ 的“Windows installer (64-bit)”，
echo   安装时勾选“Add python.exe to PATH”，然后点“Install Now”（只为当前用户安装，不需要管理员权限；
echo   如提示需要管理员权限，请取消勾选“Use admin privileges when installing py.exe”）。
echo   内网电脑请由信息中心把该安装程序拷贝过来。
pause
exit /b 1

:not_extracted
echo 找不到安装文件，未做任何改动：请先在压缩包上右键选择“全部解压缩”，再双击解压出的文件夹中的“安装.cmd”。
pause
exit /b 1

:no_appdata
echo 找不到当前用户的程序数据文件夹（环境变量 LOCALAPPDATA 未设置），未做任何改动：请联系信息中心。
pause
exit /b 1

:not_ours
echo 文件夹"%APP%"已存在，但不是督办台账的程序文件夹，未做任何改动：请把它改名或移走后重新运行本程序。
pause
exit /b 1

:env_failed
echo 无法创建程序文件夹"%APP%"：请检查磁盘空间，或关闭正在运行的督办台账窗口后重试。
pause
exit /b 1

:install_failed
echo 安装未完成：请把上面的信息发给维护人员。
pause
exit /b 1

:shortcut_failed
echo 程序已安装，但未能创建桌面快捷方式：请按上面的提示处理后再运行一次本程序。
pause
exit /b 1

rem probe COMMAND...: when it is a Python of this bundle's version, set PY (its python.exe) and
rem PYVER; otherwise note what it is in FOUND. Called only with literal commands. Its input is nul:
rem a launcher that offers to download a missing version must not wait for an unseen answer.
:probe
set "PROBED="
set "PROBED_EXE="
for /f "usebackq tokens=1,2*" %%a in (`%* -c "import sys; print(sys.version_info[0], sys.version_info[1], sys.executable)" 2^>nul ^<nul`) do set "PROBED=%%a.%%b" & set "PROBED_EXE=%%c"
if not defined PROBED goto :eof
for %%V in (%VERSIONS%) do if "%%V"=="%PROBED%" set "PYVER=%%V"
if defined PYVER set "PY=%PROBED_EXE%"
if not defined PYVER set "FOUND=%FOUND% Python %PROBED%（%*）"
goto :eof

rem ask: read one answer after PROMPT into ANSWER, without the quotes a dragged-in file gets
:ask
set "ANSWER="
set /p "ANSWER=%PROMPT%"
if defined ANSWER set "ANSWER=%ANSWER:"=%"
goto :eof
