"""The fan-out broker: wakes every subscriber of a channel when journal entries commit.

Chosen by URL (``memory://`` for one process, ``redis://`` for several). The broker only
wakes listeners: the journal in the database is the truth, and anyone who missed a message
catches up from it.
"""

from app.broker.base import Broker, BrokerUnavailable, create_broker

__all__ = ["Broker", "BrokerUnavailable", "create_broker"]
