"""Sign-in with a trust's Microsoft or Google accounts, through allauth's real views with
the identity provider stubbed at the HTTP boundary (every provider call allauth makes
goes through requests.Session.request)."""

import datetime
import html
import json
import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from esafety.models import Role, SignInProvider, SignInRefusal, TrustSignIn, User
from esafety.sso import services
from esafety.testing import (
    PASSWORD,
    MembershipFactory,
    SchoolFactory,
    TrustFactory,
    person,
    sign_in,
)

pytestmark = pytest.mark.django_db

TENANT = "6f1c3a52-0d7e-4c4b-9a53-2b0e8a1d9c11"
OTHER_TENANT = "0a0b0c0d-1111-2222-3333-444455556666"
MS_ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"


def _response(payload):
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return response


class FakeProvider:
    """Stands in for login.microsoftonline.com or accounts.google.com: the discovery
    document and the token endpoint, whose id_token carries the claims given."""

    def __init__(self, issuer, client_id, **claims):
        now = int(time.time())
        self.issuer = issuer
        self.claims = {"iss": issuer, "aud": client_id, "exp": now + 600, "iat": now, **claims}
        self.calls = []

    def __call__(self, session, method, url, *args, **kwargs):
        self.calls.append((method, url))
        if url.endswith("/.well-known/openid-configuration"):
            base = self.issuer.rstrip("/")
            return _response(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "jwks_uri": f"{base}/keys",
                    "userinfo_endpoint": f"{base}/userinfo",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                }
            )
        if url.endswith("/token"):
            # allauth doesn't check the signature of a token it fetched itself over TLS.
            token = jwt.encode(self.claims, "k" * 32, algorithm="HS256")
            return _response({"access_token": "at", "token_type": "Bearer", "id_token": token})
        raise AssertionError(f"unexpected HTTP {method} {url}")


def entra(email, **claims):
    return FakeProvider(
        MS_ISSUER,
        "ms-client",
        **{"tid": TENANT, "oid": f"oid-{email}", "sub": "s", "email": email, "xms_edov": True}
        | claims,
    )


def google(email, **claims):
    return FakeProvider(
        "https://accounts.google.com",
        "g-client",
        **{"sub": f"g-{email}", "email": email, "email_verified": True, "hd": "oakfield.org.uk"}
        | claims,
    )


@pytest.fixture
def trust_setup():
    trust = TrustFactory(name="Oakfield Learning Trust")
    school = SchoolFactory(trust=trust, name="Oakfield Primary", slug="oakfield")
    chair = person(school, Role.HEADTEACHER, name="Hal Head", email="hal@oakfield.org.uk")
    microsoft = services.save_sign_in(
        trust=trust,
        provider=SignInProvider.MICROSOFT,
        by=chair,
        tenant=TENANT,
        domains=["oakfield.org.uk"],
        client_id="ms-client",
        secret="ms-secret-value",
    )
    prove(microsoft)
    return trust, school, microsoft


def prove(sign_in):
    """As if the trust's DNS held each domain's TXT record and the chair pressed Check."""
    sign_in.domains.update(verified_at=timezone.now())
    return sign_in


def other_trusts_microsoft(trust, chair, domains):
    """A second trust's Microsoft sign-in, on its own tenant."""
    return services.save_sign_in(
        trust=trust,
        provider=SignInProvider.MICROSOFT,
        by=chair,
        tenant=OTHER_TENANT,
        domains=domains,
        client_id="ms-client",
        secret="b-secret",
    )


def sign_in_through(client, fake, email="", next_page=""):
    """The sign-in page's school-account box, the provider's redirect, and the callback."""
    with mock.patch.object(requests.Session, "request", autospec=True, side_effect=fake):
        start = client.post(
            reverse("sign-in-school-account"),
            {"email": email or fake.claims.get("email", ""), "next": next_page},
        )
        assert start.status_code == 302, start
        authorize = urlparse(start["Location"])
        query = parse_qs(authorize.query)
        callback = client.get(
            urlparse(query["redirect_uri"][0]).path,
            {"code": "a-code", "state": query["state"][0]},
        )
    return start, callback


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def messages_of(response, client):
    page = client.get(response["Location"])
    return html.unescape(page.content.decode())


def test_a_known_teacher_signs_in_with_microsoft_and_keeps_their_password(client, trust_setup):
    _, school, _ = trust_setup
    teacher = person(school, Role.STAFF, name="Tia Teacher", email="tia@oakfield.org.uk")
    start, callback = sign_in_through(client, entra("Tia@Oakfield.org.uk"))
    # The provider is asked for the trust's own tenant, with the address filled in.
    assert start["Location"].startswith(f"https://login.microsoftonline.com/{TENANT}/")
    assert "login_hint=Tia%40Oakfield.org.uk" in start["Location"]
    assert callback.status_code == 302
    assert signed_in_as(client) == str(teacher.pk)
    assert SocialAccount.objects.get(user=teacher).uid == "oid-Tia@Oakfield.org.uk"
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)  # allauth's email sign-in would have wiped it


def test_next_page_is_kept_through_the_provider(client, trust_setup):
    _, school, _ = trust_setup
    person(school, Role.STAFF, email="tia@oakfield.org.uk")
    _, callback = sign_in_through(client, entra("tia@oakfield.org.uk"), next_page="/notifications/")
    assert callback["Location"] == "/notifications/"


def test_an_unknown_email_is_refused_and_nobody_is_created(client, trust_setup):
    people_before = User.objects.count()
    _, callback = sign_in_through(client, entra("stranger@oakfield.org.uk"))
    assert callback["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert User.objects.count() == people_before
    assert not SocialAccount.objects.exists()
    assert "Nobody here uses the email address stranger@oakfield.org.uk" in messages_of(
        callback, client
    )
    assert SignInRefusal.objects.get().reason == "no person with that email"


def test_a_person_whose_roles_have_all_ended_is_refused(client, trust_setup):
    _, school, _ = trust_setup
    leaver = person(school, Role.STAFF, email="leo@oakfield.org.uk")
    leaver.memberships.update(ended_on=datetime.date(2026, 1, 1))
    _, callback = sign_in_through(client, entra("leo@oakfield.org.uk"))
    assert signed_in_as(client) is None
    assert "Your account here has ended or is switched off" in messages_of(callback, client)


def test_a_switched_off_account_is_refused(client, trust_setup):
    _, school, _ = trust_setup
    User.objects.filter(pk=person(school, Role.STAFF, email="sam@oakfield.org.uk").pk).update(
        is_active=False
    )
    _, callback = sign_in_through(client, entra("sam@oakfield.org.uk"))
    assert signed_in_as(client) is None
    assert "switched off" in messages_of(callback, client)


def test_an_account_from_another_microsoft_tenant_is_refused(client, trust_setup):
    _, school, _ = trust_setup
    person(school, Role.STAFF, email="tia@oakfield.org.uk")
    _, callback = sign_in_through(client, entra("tia@oakfield.org.uk", tid=OTHER_TENANT))
    assert signed_in_as(client) is None
    assert "belongs to a different organisation" in messages_of(callback, client)


def test_a_guest_account_is_refused(client, trust_setup):
    _, school, _ = trust_setup
    person(school, Role.STAFF, email="tia@oakfield.org.uk")
    _, callback = sign_in_through(
        client, entra("tia@oakfield.org.uk", idp="https://sts.windows.net/elsewhere/")
    )
    assert signed_in_as(client) is None
    assert "Guest accounts" in messages_of(callback, client)


def test_a_second_trusts_tenant_cannot_sign_in_a_person_of_the_first(client, trust_setup):
    """Trust B's provider vouches for an address at trust A's school: refused, because the
    address is not one of trust B's domains and the person holds no role at trust B."""
    _, school_a, _ = trust_setup
    person(school_a, Role.HEADTEACHER, email="ada@oakfield.org.uk")
    trust_b = TrustFactory(name="Birchwood Trust")
    school_b = SchoolFactory(trust=trust_b, slug="birchwood")
    chair_b = person(school_b, Role.HEADTEACHER, email="bo@birchwood.org.uk")
    prove(other_trusts_microsoft(trust_b, chair_b, ["birchwood.org.uk"]))
    fake = FakeProvider(
        f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",
        "ms-client",
        tid=OTHER_TENANT,
        oid="oid-x",
        email="ada@oakfield.org.uk",
        xms_edov=True,
    )
    _, callback = sign_in_through(client, fake, email="bo@birchwood.org.uk")
    assert signed_in_as(client) is None
    assert "didn't give an email address at your school" in messages_of(callback, client)


def test_the_same_person_known_only_to_another_trust_is_treated_as_unknown(client, trust_setup):
    other_school = SchoolFactory(trust=TrustFactory(), slug="elsewhere")
    person(other_school, Role.STAFF, email="eve@oakfield.org.uk")
    _, callback = sign_in_through(client, entra("eve@oakfield.org.uk"))
    assert signed_in_as(client) is None
    assert "Nobody here uses the email address" in messages_of(callback, client)


def test_an_address_with_no_provider_is_told_to_use_a_password(client, trust_setup):
    response = client.post(reverse("sign-in-school-account"), {"email": "x@gmail.com"})
    assert response["Location"] == reverse("login")
    assert "Sign in with your password" in messages_of(response, client)


def test_the_sign_in_page_offers_school_accounts_only_once_one_is_on(client, trust_setup):
    _, _, microsoft = trust_setup
    assert "Continue with my school account" in client.get(reverse("login")).content.decode()
    TrustSignIn.objects.filter(pk=microsoft.pk).update(enabled=False)
    assert "Continue with my school account" not in client.get(reverse("login")).content.decode()


def test_a_switched_off_provider_sends_nobody_to_it(client, trust_setup):
    _, _, microsoft = trust_setup
    TrustSignIn.objects.filter(pk=microsoft.pk).update(enabled=False)
    response = client.post(reverse("sign-in-school-account"), {"email": "tia@oakfield.org.uk"})
    assert response["Location"] == reverse("login")


# --- two-factor -----------------------------------------------------------------------------


def test_a_provider_that_enforces_mfa_counts_as_the_second_factor(client, trust_setup):
    _, _, microsoft = trust_setup
    head = User.objects.get(email="hal@oakfield.org.uk")
    TrustSignIn.objects.filter(pk=microsoft.pk).update(provider_enforces_mfa=True)
    sign_in_through(client, entra("hal@oakfield.org.uk"))
    assert signed_in_as(client) == str(head.pk)
    assert client.get(reverse("home")).status_code == 200


def test_without_the_trusts_word_on_mfa_a_head_still_gives_a_code(client, trust_setup):
    sign_in_through(client, entra("hal@oakfield.org.uk"))
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two-factor-setup"))


def test_unticking_mfa_asks_for_a_code_at_the_next_page(client, trust_setup):
    _, _, microsoft = trust_setup
    TrustSignIn.objects.filter(pk=microsoft.pk).update(provider_enforces_mfa=True)
    sign_in_through(client, entra("hal@oakfield.org.uk"))
    assert client.get(reverse("home")).status_code == 200
    TrustSignIn.objects.filter(pk=microsoft.pk).update(provider_enforces_mfa=False)
    assert client.get(reverse("home")).status_code == 302


# --- Google ---------------------------------------------------------------------------------


@pytest.fixture
def google_setup(trust_setup):
    trust, _, _ = trust_setup
    chair = User.objects.get(email="hal@oakfield.org.uk")
    # Google for the trust's second domain.
    return prove(
        services.save_sign_in(
            trust=trust,
            provider=SignInProvider.GOOGLE,
            by=chair,
            tenant="oakfield.org.uk",
            domains=["pupils.oakfield.org.uk", "oakfield-staff.org.uk"],
            client_id="g-client",
            secret="g-secret",
        )
    )


def test_a_known_person_signs_in_with_google(client, trust_setup, google_setup):
    _, school, _ = trust_setup
    teacher = person(school, Role.STAFF, email="gia@oakfield-staff.org.uk")
    start, _ = sign_in_through(client, google("gia@oakfield-staff.org.uk"))
    assert start["Location"].startswith("https://accounts.google.com/authorize")
    assert "hd=oakfield.org.uk" in start["Location"]
    assert signed_in_as(client) == str(teacher.pk)


def test_google_refuses_an_unverified_or_outside_account(client, trust_setup, google_setup):
    _, school, _ = trust_setup
    person(school, Role.STAFF, email="gia@oakfield-staff.org.uk")
    sign_in_through(client, google("gia@oakfield-staff.org.uk", email_verified=False))
    assert signed_in_as(client) is None
    sign_in_through(client, google("gia@oakfield-staff.org.uk", hd="gmail.com"))
    assert signed_in_as(client) is None
    reasons = set(SignInRefusal.objects.values_list("reason", flat=True))
    assert reasons == {
        "email not verified by Google",
        "Google account outside the Workspace domain",
    }


# --- what is stored -------------------------------------------------------------------------


def test_the_client_secret_is_stored_encrypted_and_kept_out_of_history(trust_setup):
    _, _, microsoft = trust_setup
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_id_encrypted, secret_encrypted FROM esafety_trustsignin WHERE id = %s",
            [microsoft.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert "ms-secret-value" not in stored and "ms-client" not in stored
    assert services.credentials(microsoft) == ("ms-client", "ms-secret-value")
    history = microsoft.history.first()
    assert not hasattr(history, "secret_encrypted")
    assert history.history_user.email == "hal@oakfield.org.uk"


def test_a_domain_goes_to_one_provider_only(trust_setup):
    trust, _, _ = trust_setup
    chair = User.objects.get(email="hal@oakfield.org.uk")
    with pytest.raises(Exception, match="already proved to belong to another"):
        services.save_sign_in(
            trust=trust,
            provider=SignInProvider.GOOGLE,
            by=chair,
            tenant="oakfield.org.uk",
            domains=["oakfield.org.uk"],
            client_id="g",
            secret="s",
        )
    assert TrustSignIn.objects.filter(provider=SignInProvider.GOOGLE).count() == 0


def test_microsoft_without_a_verified_email_domain_is_refused(client, trust_setup):
    """Entra's email is whatever the tenant's admins typed; only xms_edov says the tenant
    owns the domain. Without it another tenant could name anyone's address."""
    _, school, _ = trust_setup
    person(school, Role.STAFF, email="tia@oakfield.org.uk")
    fake = entra("tia@oakfield.org.uk")
    del fake.claims["xms_edov"]
    _, callback = sign_in_through(client, fake)
    assert signed_in_as(client) is None
    assert "didn't confirm that its email domain belongs to the school" in messages_of(
        callback, client
    )


def test_the_generic_provider_name_is_not_found_with_two_trusts_on(client, trust_setup):
    trust_b = TrustFactory(name="Birchwood Trust")
    chair_b = person(SchoolFactory(trust=trust_b, slug="birchwood"), Role.HEADTEACHER)
    other_trusts_microsoft(trust_b, chair_b, ["birchwood.org.uk"])
    url = reverse("openid_connect_callback", kwargs={"provider_id": "openid_connect"})
    assert client.get(url, {"code": "x", "state": "y"}).status_code == 404


def test_a_role_ending_mid_session_stops_the_provider_counting_as_two_factor(client, trust_setup):
    """The head also leads a school in another trust; when their role in this trust ends,
    this trust's word on MFA no longer covers them: at the next page they give a code."""
    _, school, microsoft = trust_setup
    head = User.objects.get(email="hal@oakfield.org.uk")
    other = SchoolFactory(trust=TrustFactory(), slug="elsewhere")
    MembershipFactory(user=head, school=other, role=Role.HEADTEACHER)
    TrustSignIn.objects.filter(pk=microsoft.pk).update(provider_enforces_mfa=True)
    sign_in_through(client, entra("hal@oakfield.org.uk"))
    assert client.get(reverse("home")).status_code == 200
    head.memberships.filter(school=school).update(ended_on=datetime.date(2026, 1, 1))
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("two-factor-setup"))


# --- proving a domain -------------------------------------------------------------------


def txt_answer(*values):
    """What dns.resolver.resolve answers: records whose `strings` are bytes."""
    return [type("TXT", (), {"strings": [v.encode()]})() for v in values]


def test_an_unproved_domain_sends_nobody_to_the_provider(client, trust_setup):
    _, _, microsoft = trust_setup
    microsoft.domains.update(verified_at=None)
    response = client.post(reverse("sign-in-school-account"), {"email": "tia@oakfield.org.uk"})
    assert response["Location"] == reverse("login")


def test_the_chair_proves_a_domain_with_its_txt_record(client, trust_setup):
    from esafety.models import SignInDomain

    trust, _, microsoft = trust_setup
    chair = trustee_chair(trust)
    domain = SignInDomain.objects.create(sign_in=microsoft, domain="oakfield-staff.org.uk")
    sign_in(client, chair)
    url = reverse("trust-sign-in-domain-check", args=[trust.pk, domain.pk])
    with mock.patch("dns.resolver.resolve", return_value=txt_answer("v=spf1 -all")):
        page = client.post(url, follow=True)
    assert "wasn't found on oakfield-staff.org.uk yet" in html.unescape(page.content.decode())
    domain.refresh_from_db()
    assert domain.verified_at is None
    with mock.patch("dns.resolver.resolve", return_value=txt_answer(domain.txt_record)):
        page = client.post(url, follow=True)
    assert "oakfield-staff.org.uk is proved" in page.content.decode()
    domain.refresh_from_db()
    assert domain.verified_at is not None
    assert domain.history.first().history_user == chair


def test_another_trust_cannot_take_a_domain_by_typing_it_first(trust_setup):
    """Birchwood types oakfield.org.uk: nothing is routed by it, and Oakfield keeps it."""
    from esafety.models import SignInDomain

    trust_b = TrustFactory(name="Birchwood Trust")
    chair_b = person(SchoolFactory(trust=trust_b, slug="birchwood"), Role.HEADTEACHER)
    with pytest.raises(Exception, match="already proved to belong to another"):
        other_trusts_microsoft(trust_b, chair_b, ["oakfield.org.uk"])
    # A claim typed before Oakfield proved it is never proved after.
    squatter = other_trusts_microsoft(trust_b, chair_b, ["birchwood.org.uk"])
    claim = SignInDomain.objects.create(sign_in=squatter, domain="oakfield.org.uk")
    with (
        mock.patch("dns.resolver.resolve", return_value=txt_answer(claim.txt_record)),
        pytest.raises(Exception, match="proved by another organisation"),
    ):
        services.verify_domain(domain=claim, by=chair_b)
    assert services.sign_in_for_email("x@oakfield.org.uk").trust == trust_setup[0]


def trustee_chair(trust):
    from esafety.testing import trustee

    return trustee(trust, chair=True, name="Cora Chair")
