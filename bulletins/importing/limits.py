"""The limits of an import, stated on the import page (templates/bulletins/paste.html)."""

MB = 1024 * 1024

# A file to import: an email with its attachments, or a Word document with its pictures.
MAX_UPLOAD_BYTES = 20 * MB
# Pasted text or HTML, as much as Django takes for a form (DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_PASTE_CHARS = 2_000_000
# The clipboard's HTML sent with it: with the text, within what Django takes for a form (5 MB).
# Beyond this the page sends the text alone.
MAX_HTML_CHARS = 2_500_000
# Inside a .docx (a zip): refused before it is unpacked if it would unpack to more than this,
# or if a part shrinks more than MAX_ZIP_RATIO times (a zip bomb).
MAX_UNZIPPED_BYTES = 60 * MB
MAX_DOCUMENT_XML_BYTES = 25 * MB
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 5_000
# An import stops with a message once it has taken this long (checked between its steps and
# inside its loops; the sizes above keep each single step short).
TIME_LIMIT_SECONDS = 10
# The structure read from a source: more blocks than this and the rest is left out.
MAX_BLOCKS = 5_000
