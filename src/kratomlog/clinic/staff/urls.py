from django.urls import path

from kratomlog.clinic.staff import (
    alerts,
    messages,
    outcomes,
    patient,
    schedule,
    team_schedule,
    triage,
)

urlpatterns = [
    path("", triage.triage_page, name="clinic-triage"),
    path("patients/<uuid:patient_id>", patient.patient_page, name="clinic-patient"),
    path("patients/<uuid:patient_id>/plan", patient.set_plan, name="clinic-patient-plan"),
    path("patients/<uuid:patient_id>/plan/hold", patient.hold_plan, name="clinic-patient-hold"),
    path(
        "patients/<uuid:patient_id>/plan/step-back",
        patient.step_back_plan,
        name="clinic-patient-step-back",
    ),
    path("patients/<uuid:patient_id>/visit", patient.add_visit, name="clinic-patient-visit"),
    path(
        "patients/<uuid:patient_id>/schedule", schedule.set_schedule, name="clinic-patient-schedule"
    ),
    path("patients/<uuid:patient_id>/report.pdf", patient.report, name="clinic-patient-report"),
    path(
        "teams/<int:team_id>/schedule",
        team_schedule.team_schedule,
        name="clinic-team-schedule",
    ),
    path("outcomes", outcomes.outcomes_page, name="clinic-outcomes"),
    path("outcomes.csv", outcomes.outcomes_csv, name="clinic-outcomes-csv"),
    path("messages", messages.inbox, name="clinic-messages"),
    path(
        "patients/<uuid:patient_id>/messages",
        messages.conversation,
        name="clinic-patient-messages",
    ),
    path("alerts", alerts.inbox_page, name="clinic-alerts"),
    path("alerts/<int:alert_id>", alerts.alert_page, name="clinic-alert"),
    path("alerts/<int:alert_id>/ack", alerts.acknowledge, name="clinic-alert-ack"),
    path("alerts/<int:alert_id>/resolve", alerts.resolve, name="clinic-alert-resolve"),
]
