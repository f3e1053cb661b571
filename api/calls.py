"""The 35 calls of the Global API v2.1, as data: one table the client and the simulated cloud share.

The client's method names and the simulated cloud's routes both come from this table and the
tests check both against it, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Call:
    number: int
    name: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    needs_session: bool = True
    admin_only: bool = False


CALLS: dict[str, Call] = {
    call.name: call
    for call in (
        Call(1, "login", ("username", "password"), needs_session=False),
        Call(2, "loginout"),
        Call(3, "check_session"),
        Call(
            4,
            "upload",
            ("file",),
            ("project_id", "project_name", "project_color", "upload_type_id", "upload_soft_name"),
        ),
        Call(5, "get_projects"),
        Call(6, "get_workgroups_simple_list"),
        Call(7, "get_organization_printers_list", (), ("printer_id", "workgroup_id")),
        Call(8, "get_printer_jobs", ("printer_id",), ("limit", "offset", "prev_time", "is_actual")),
        Call(9, "get_job_info", ("job_id",)),
        Call(10, "get_slicer_settings_for_gcode", ("file_id",)),
        Call(11, "file_update", ("updates",)),
        Call(12, "get_printer_types"),
        Call(13, "get_printer_shares", ("printer_id",)),
        Call(14, "share_printer", ("printer_id", "role_id", "user_email"), ("number_of_prints",)),
        Call(15, "unshare_printer", ("share_id",)),
        Call(16, "add_printer_by_registration_code", ("registration_code",), admin_only=True),
        Call(17, "get_printers_list", (), ("printer_type", "printer_id")),
        Call(18, "get_workgroup_users", ("workgroup_id",)),
        Call(19, "add_user_to_workgroup", ("workgroup_id", "email"), admin_only=True),
        Call(20, "delete_user_from_workgroup", ("workgroup_id", "user_id"), admin_only=True),
        Call(21, "get_printer_types_detailed", needs_session=False),
        Call(
            22, "get_custom_report", (), ("from", "to", "type", "workgroups", "fields", "all_fields"), admin_only=True
        ),
        Call(23, "get_camera_list_token", (), ("printer_id",)),
        Call(24, "google_login", ("token",), needs_session=False),
        Call(25, "gdpr_registration", ("gdpr1",), ("gdpr2", "cancel")),
        Call(
            26,
            "create_organization_user",
            ("email", "gdpr"),
            ("firstname", "lastname", "company", "access_role"),
            admin_only=True,
        ),
        Call(27, "get_finished_jobs_report", (), ("from", "to"), admin_only=True),
        Call(28, "slice", ("file_id", "profile"), ("slicer_id", "add_print_job_to_printer_id", "start_print_job")),
        Call(29, "print_file", ("file_id", "printer_id"), ("only_queue",)),
        Call(30, "job_start", ("job_id",)),
        Call(31, "job_pause", ("job_id",)),
        Call(32, "job_unpause", ("job_id",)),
        Call(33, "job_cancel", ("job_id",)),
        Call(34, "update_user_settings", ("user_id",), ("balance", "quota"), admin_only=True),
        Call(35, "printer_clear_build_tray", ("printer_id",), ("is_clear",)),
    )
}

LIVE_ENDPOINT = "https://cloud.3dprinteros.com"
TEST_ENDPOINT = "https://acorn.3dprinteros.com"
