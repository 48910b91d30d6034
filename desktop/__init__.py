"""まなび台帳 (Manabi Ledger): DX reskilling programme ledger for local governments."""

__version__ = "0.1.0"
APP_NAME = "まなび台帳"
APP_ID = "ManabiLedger"
