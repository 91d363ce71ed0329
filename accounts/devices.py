"""A browser's User-Agent header in words a person recognises: "Chrome on Linux".

Read simply, by the tokens each browser and system puts in the header: the sessions page needs
to tell devices apart, not to identify every browser ever made. The tokens are tried in order,
since most browsers also name the ones they descend from (Edge says "Chrome" and "Safari").
"""

BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),
    ("Trident/", "Internet Explorer"),
    ("MSIE ", "Internet Explorer"),
]
SYSTEMS = [
    ("Windows", "Windows"),
    ("iPhone", "an iPhone"),
    ("iPad", "an iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "a Mac"),
    ("Linux", "Linux"),
]


def describe_device(user_agent: str) -> str:
    """e.g. "Chrome on Linux", "Safari on an iPhone", or "An unknown browser"."""
    browser = next((name for token, name in BROWSERS if token in user_agent), "")
    system = next((name for token, name in SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    if system:
        return f"A browser on {system}"
    return "An unknown browser"
