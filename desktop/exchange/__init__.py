"""Outside files in and out: roster CSV/XLSX, Udemy reports, Excel exports, backups."""
