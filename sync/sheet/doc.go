// Package sheet reads and writes the national 双公示 templates (行政许可 /
// 行政处罚 and the common core of the other kinds) as xlsx and csv: it is a
// source of records beside the agency API, and the writer of the monthly
// report's spreadsheet and of the officers' exports.
//
// Reading streams rows (excelize's row iterator; csv through encoding/csv),
// maps each header to a field of credit.Record by its Chinese name in the
// national templates, by its field code (CF_XDR_MC, XK_XKBH, ...), by the
// agency API's JSON name, or by a configured local mapping, and turns every
// row into a credit.Change or a credit.Quarantined that names the file,
// sheet, row, column and reason. Records pass the agency API's own item
// check (sync.CheckItem) and are stored through the store's normal write
// path (store.DB.ApplyImport: ApplyPages plus the import ledger, 2,000 rows
// per transaction), so indexes, aggregates, quarantine and the change log
// stay consistent. Folder is the folder source ([[source]] kind = "folder");
// WriteTemplate writes records as a template (sim --write-templates);
// WriteReport writes the monthly report (credwatch report); WriteExport
// writes an officer's export (credit.Export: the TUI's e, credwatch
// export) as xlsx, csv or json (export.go).
//
// The natural key of an imported record is its kind, department and
// number (the licence number XK_XKBH for licences when present, otherwise
// the document number): its id is "imp:" + dept + ":" + number.
package sheet
