; Inno Setup script for まなび台帳 (Manabi Ledger): a per-user installer for the
; PyInstaller one-folder bundle that build.spec makes in dist\manabi\.
;
; Build on Windows, from the repository root (Inno Setup 6.3 or later, for
; "x64compatible"; saved as UTF-8 with a BOM, which Inno Setup needs for the
; Japanese text):
;
;   pip install -e .[bundle]
;   pyinstaller --noconfirm --clean build.spec
;   ISCC /DAppVersion=0.1.0 resources\installer\manabi.iss
;
; AppVersion is the [project] version in pyproject.toml; pass it with /D as
; above. Without /D the fallback below is used, and a test
; (tests/test_installer_script.py) keeps that fallback equal to pyproject's.
; The installer is written to dist\installer\manabi-setup-<version>.exe.
;
; No administrator rights: everything goes under the user's own profile
; (%LOCALAPPDATA%\Programs\ManabiLedger, the user's Start menu and desktop),
; and the uninstaller is registered under HKCU (Settings > Apps lists it).
;
; THE USER'S DATA IS NEVER TOUCHED. The database, its backups, lock file and
; logs live in %APPDATA%\ManabiLedger (desktop/resources.py: data_dir()),
; outside {app}. The uninstaller removes only the files this script installed
; in {app}; there is deliberately no [UninstallDelete] section and no [Code]
; that deletes anything, so uninstalling (or reinstalling, or upgrading)
; keeps every learner's record. Do not add a delete of {userappdata} here.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "まなび台帳"
#define AppExeName "manabi.exe"

[Setup]
; A fixed AppId: upgrades and the uninstaller find the same installation.
; Never change it (the doubled brace is Inno Setup's escape for "{").
AppId={{38A533F5-AA1A-4EDE-A38F-9B6329F0CF86}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=まなび台帳 開発チーム
; Paths below are relative to the repository root (two folders up from here).
SourceDir=..\..
OutputDir=dist\installer
OutputBaseFilename=manabi-setup-{#AppVersion}
; Per user, no UAC prompt; {userpf} is %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={userpf}\ManabiLedger
DisableProgramGroupPage=yes
DefaultGroupName={#AppName}
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExeName}
; The bundle is built by a 64-bit Python.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
ShowLanguageDialog=no
Compression=lzma2
SolidCompression=yes
; A running まなび台帳 is asked to close before its files are replaced.
CloseApplications=yes

[Languages]
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade first removes the previous bundle's libraries (inside {app} only),
; so no DLL of an older release lingers beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\manabi\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section, on purpose: see the note at the top.
