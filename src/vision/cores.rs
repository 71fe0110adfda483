//! Work split over the two cores a booth and a center have: a still's mirror measured beside
//! the still, a photo's background replaced in two halves.

/// `first()` and `second()`, the first on a second thread named `name` when one can be had
/// (else both here, in turn): the same values as one after the other.
pub fn in_two<A: Send, B>(
    name: &str,
    first: impl Fn() -> A + Sync,
    second: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn_scoped(scope, &first)
            .ok();
        let b = second();
        let a = match thread {
            // A panic there (never expected) is a panic here, as it would be on one thread.
            Some(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => first(),
        };
        (a, b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_run_the_first_on_its_own_named_thread() {
        let here = std::thread::current().id();
        let (a, b) = in_two(
            "half",
            || {
                let me = std::thread::current();
                (me.id() != here, me.name().map(str::to_owned))
            },
            || std::thread::current().id() == here,
        );
        assert_eq!(a, (true, Some("half".to_owned())));
        assert!(b);
    }
}
