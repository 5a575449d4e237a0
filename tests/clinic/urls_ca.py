"""The clinic's URLs plus, for tests only, a stand-in for a clinician's patient page (the real
ones are built elsewhere) and the demo's sign-in link."""

from django.http import HttpResponse
from django.urls import path

from kratomlog.clinic import policy
from kratomlog.clinic.accounts import sign_in
from kratomlog.clinic.urls import urlpatterns as clinic_urlpatterns


def patient_page(request, public_id):
    patient = policy.patient_for_clinician(request.user, public_id)
    return HttpResponse(f"the journal of {patient.person.name}")


urlpatterns = [
    path("clinic/test-patient/<str:public_id>", patient_page),
    path("accounts/demo/<str:token>", sign_in.demo_sign_in),
    *clinic_urlpatterns,
]
