"""Every write path is all or nothing: a failure halfway through a request leaves nothing of it behind.

The failure is forced in the database itself, by a trigger that makes an INSERT (or UPDATE) on a chosen table fail,
for a marked row or once some rows have been written (``ForcedFailures``). Each test lets a page, an API call, an
import or a workflow move write some rows first, then hit that trigger, and checks that every table of the apps
(their history and many-to-many tables, the proposals' events and the data version included) is exactly as it was
and that the user got an error. Then it removes the trigger and sends the same request again, which must write
those tables: so the failure did come after real writes, not before the first one.
"""
