"""The audit summary on paper: A4 portrait pages with a running header and 第 x 页 共 y 页.

`core.summary.Summary` says what the summary holds; this package puts it on paper:

- `flow`        the summary as a flow of HTML pieces (headings, paragraphs, every table row on its own)
- `pagination`  the pieces laid out on the device and composed into pages (a row is never split)
- `pages`       the page: its layout, header and footer, and painting every page
- `fonts`       the Chinese font to print with
- `pdf_text`    the written PDF's ToUnicode maps corrected, so its text copies as printed
- `output`      a PDF file, a printer, a print preview
- `command`     the `summary` command (a PDF without a window)
"""
