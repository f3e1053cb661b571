"""farmdash's client for the 3DPrinterOS Global API v2.1. Knows nothing of any user interface."""

from .calls import CALLS, LIVE_ENDPOINT, TEST_ENDPOINT, Call
from .client import PrinterOSClient, encode_form
from .errors import ApiError, AuthError, PrinterOSError, TransportError
from .models import (
    CameraToken,
    CustomReport,
    FinishedJob,
    GdprRegistrationResult,
    GoogleLoginResult,
    Job,
    JobInfo,
    JobStatus,
    LoginResult,
    Printer,
    PrinterJobs,
    PrinterListItem,
    PrinterShare,
    PrinterState,
    PrinterType,
    PrinterTypeDetailed,
    PrintFileResult,
    Project,
    ShareRole,
    SliceResult,
    SlicerSettings,
    UploadResult,
    Workgroup,
    WorkgroupRights,
    WorkgroupUser,
)

__all__ = [
    "CALLS", "LIVE_ENDPOINT", "TEST_ENDPOINT", "Call", "PrinterOSClient", "encode_form",
    "ApiError", "AuthError", "PrinterOSError", "TransportError",
    "CameraToken", "CustomReport", "FinishedJob", "GdprRegistrationResult", "GoogleLoginResult",
    "Job", "JobInfo", "JobStatus", "LoginResult", "Printer", "PrinterJobs", "PrinterListItem",
    "PrinterShare", "PrinterState", "PrinterType", "PrinterTypeDetailed", "PrintFileResult",
    "Project", "ShareRole", "SliceResult", "SlicerSettings", "UploadResult", "Workgroup",
    "WorkgroupRights", "WorkgroupUser",
]
__version__ = "0.1.0"
