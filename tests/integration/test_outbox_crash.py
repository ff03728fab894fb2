"""At-least-once delivery across a crash: events are queued in the same SQLite transaction
as the write, so when the server is killed with kill -9 while events are still waiting, a
restart on the same data directory delivers every one of them."""

import unittest

import harness

COUNT = 12

PIPELINE = {
    "functions": [
        # One slot and 150 ms per event: most events are still queued when the kill comes.
        {"name": "slow-saver", "handler": "sleep", "reserved_concurrency": 1, "timeout": 10,
         "environment": {"SLEEP_MS": "150", "SAVE_BUCKET": "done"}},
    ],
    "buckets": [
        {"name": "done"},
        {"name": "inbox", "notifications": [
            {"id": "save", "function": "slow-saver", "events": ["s3:ObjectCreated:*"]}]},
    ],
}


class OutboxSurvivesKill9(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--time-scale", "0.001")

    def test_every_event_is_delivered_after_kill9_and_restart(self):
        for i in range(COUNT):
            self.s3.put_object(Bucket="inbox", Key=f"item-{i}", Body=b"x")
        pending = self.server.internal("health")["pendingEvents"]
        self.assertGreater(pending, 0, "events should still be queued before the kill")
        self.server.kill9()
        self.server.start()
        s3 = self.server.client()
        # The handler writes slept/<request id>; a request id stays the same across
        # redeliveries, so exactly COUNT objects means every event ran, none was lost.
        # The queue is read first: an event leaves it only after its handler's write, so once
        # it is empty every write is listable (the other order could list before the last
        # write and then see the queue emptied by it).
        def delivered():
            if self.server.internal("health")["pendingEvents"] != 0:
                return None
            return s3.list_objects_v2(Bucket="done", Prefix="slept/")["KeyCount"]
        self.assertEqual(harness.wait_for(delivered, "an empty queue", timeout=30), COUNT)


if __name__ == "__main__":
    harness.main()
