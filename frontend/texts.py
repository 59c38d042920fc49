"""The few strings of the Django-rendered pages (login, tenant chooser, error pages) in Danish and
English. The React portal has its own catalogue (frontend/src/i18n); both follow the language
cookie the portal's switch sets, falling back to the browser's Accept-Language."""

from __future__ import annotations

LANGUAGE_COOKIE = "ainergy_language"
LANGUAGES = ("da", "en")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to content",
        "login_title": "Log in",
        "login_intro": "Log in to the ainergy portal with your e-mail address.",
        "email": "E-mail",
        "password": "Password",
        "login_button": "Log in",
        "login_error": "The e-mail or password is not correct. Both fields are case-sensitive.",
        "logged_out": "You are logged out.",
        "choose_title": "Choose a tenant",
        "choose_intro": "You are a member of more than one tenant. Which one do you want to work in?",
        "no_tenants": "You are not a member of any tenant yet. Ask an owner to invite you.",
        "role_owner": "owner",
        "role_operator": "operator",
        "role_viewer": "viewer",
        "log_out": "Log out",
        "back_to_portal": "Back to the portal",
        "not_found_title": "Page not found",
        "not_found_text": "There is no page at this address, or it belongs to another tenant.",
        "forbidden_title": "Access denied",
        "forbidden_text": "You do not have permission to open this page.",
        "csrf_text": "The form expired or came from another site. Reload the page and try again.",
        "server_error_title": "Something went wrong",
        "server_error_text": "The server could not complete the request. Please try again in a moment.",
        "language": "Language",
    },
    "da": {
        "skip": "Spring til indhold",
        "login_title": "Log ind",
        "login_intro": "Log ind på ainergy-portalen med din e-mailadresse.",
        "email": "E-mail",
        "password": "Adgangskode",
        "login_button": "Log ind",
        "login_error": "E-mail eller adgangskode er forkert. Der skelnes mellem store og små bogstaver.",
        "logged_out": "Du er logget ud.",
        "choose_title": "Vælg organisation",
        "choose_intro": "Du er medlem af mere end én organisation. Hvilken vil du arbejde i?",
        "no_tenants": "Du er endnu ikke medlem af nogen organisation. Bed en ejer om at invitere dig.",
        "role_owner": "ejer",
        "role_operator": "operatør",
        "role_viewer": "læser",
        "log_out": "Log ud",
        "back_to_portal": "Tilbage til portalen",
        "not_found_title": "Siden findes ikke",
        "not_found_text": "Der er ingen side på denne adresse, eller den tilhører en anden organisation.",
        "forbidden_title": "Adgang nægtet",
        "forbidden_text": "Du har ikke adgang til denne side.",
        "csrf_text": "Formularen er udløbet eller kom fra et andet websted. Genindlæs siden og prøv igen.",
        "server_error_title": "Noget gik galt",
        "server_error_text": "Serveren kunne ikke gennemføre forespørgslen. Prøv igen om lidt.",
        "language": "Sprog",
    },
}


def request_language(request) -> str:
    """The portal language of this request: the switch's cookie, else the browser's preference."""
    if request is None:
        return "en"
    chosen = request.COOKIES.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def texts_for(request) -> dict[str, str]:
    return TEXTS[request_language(request)]
