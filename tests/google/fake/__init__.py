"""A stateful in-process fake of the Google Sheets v4 and Drive v3 calls gspread and mapsheet make.

    from fake import FakeGoogle
    g = FakeGoogle()                                   # user "me@example.com", strict discovery checks
    sid = g.add_spreadsheet("Plan", {"Actions": [["Action", "Owner"], ["Kick-off", "Ann"]]})
    client = gspread.Client(auth=None, session=g.session())
    client.open_by_key(sid).sheet1.get_all_values()
    g.count(api="sheets", kind="read")                 # requests served, by kind
    g.inject("429", times=3)                           # faults with Google's error envelopes

See server.FakeGoogle for the whole surface, faults.Fault for fault options.
"""
from .errors import ApiError
from .faults import FAULT_KINDS, Fault, Quota
from .server import FakeGoogle
from .store import FOLDER_MIME, SPREADSHEET_MIME, XLSX_MIME, FakeClock, RealClock, ThreadClock
from .transport import Served

__all__ = ["FakeGoogle", "FakeClock", "RealClock", "ThreadClock", "Quota", "Fault", "FAULT_KINDS", "Served", "ApiError",
           "SPREADSHEET_MIME", "FOLDER_MIME", "XLSX_MIME"]
