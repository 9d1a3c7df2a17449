from __future__ import annotations

from app.auth.throttle import LoginThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_attempts_older_than_the_window_no_longer_count() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        throttle.begin(["user:alice"])
        clock.now += 10
    assert throttle.retry_after(["user:alice"]) == 30
    clock.now += 29
    assert throttle.retry_after(["user:alice"]) == 1
    clock.now += 1
    assert throttle.retry_after(["user:alice"]) is None


def test_the_longest_wait_of_any_key_is_given() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=1, window_seconds=60, clock=clock)
    throttle.begin(["ip:a"])
    clock.now += 30
    throttle.begin(["user:b"])
    assert throttle.retry_after(["ip:a", "user:b"]) == 60
    assert throttle.retry_after(["ip:c"]) is None


def test_a_successful_attempt_is_taken_back() -> None:
    throttle = LoginThrottle(max_failures=1, window_seconds=60, clock=FakeClock())
    stamp = throttle.begin(["user:a", "ip:x"])
    throttle.succeeded(["user:a", "ip:x"], stamp)
    assert throttle.retry_after(["user:a", "ip:x"]) is None


def test_memory_stays_bounded_under_a_spray_of_usernames() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, max_keys=100, clock=clock)
    for n in range(1000):
        throttle.begin([f"user:{n}"])
    assert len(throttle._attempts) <= 100
