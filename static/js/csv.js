// csv.js: CSV for spreadsheets (RFC 4180 quoting) that a spreadsheet cannot turn into formulas.
// No DOM: the browser tests run it under Node too.
//
// A text cell that Excel, WPS or LibreOffice would read as a formula — one starting with =, +,
// -, @, a tab or a carriage return, OWASP's rule against CSV injection — is written with a
// single quote in front (and in double quotes), so the spreadsheet shows it as the text it is:
// a grid named =HYPERLINK("…") stays a name. Numbers stay numbers: a cell given as a number is
// written as it is, negative ones too (-1), and so is text that is nothing but a plain decimal
// number (-1, -0.5), which a spreadsheet reads as that number and which cannot call anything.
// Anything more (-1+1, -1.5e3, -) gets the quote.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
// NEEDS_QUOTES: the separator (and the semicolon, which spreadsheets in some locales take for
// it), quotes, line breaks and tabs keep a cell in one piece only inside double quotes.
const NEEDS_QUOTES = /[",;\r\n\t]/;

// csvCell writes one value as a CSV cell: null and undefined as empty, numbers as numbers,
// text quoted as it needs and neutralised when it could start a formula.
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// csvRow joins values into one CSV line (without its line break).
export function csvRow(values) {
  return values.map(csvCell).join(',');
}
