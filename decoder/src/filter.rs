//! Predicates pushed down into the decoder: a record that fails one is never built.
//!
//! Python reads them off the query's Polars predicate (conservatively: only conjunctions of simple
//! terms) and still applies the whole predicate to what comes out, so a filter here only has to
//! never drop a record the predicate keeps.

use std::collections::HashSet;

use crate::vocabulary::Level;

/// The values a text column may take (`None` in `values` means any); `null` whether a missing value passes.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    pub values: Option<HashSet<String>>,
    pub null: bool,
}

impl Allowed {
    /// Whether the check reads the value at all (a set of values is given).
    pub fn reads(&self) -> bool {
        self.values.is_some()
    }

    #[inline]
    fn admits(&self, value: Option<&str>) -> bool {
        match (&self.values, value) {
            (None, _) => true,
            (Some(_), None) => self.null,
            (Some(values), Some(v)) => values.contains(v),
        }
    }
}

/// Every pushed-down predicate of a pass.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Levels that pass, by `Level as usize`, then "no level" at index 5; `None`: any.
    pub levels: Option<[bool; 6]>,
    pub namespace: Allowed,
    pub pod: Allowed,
    pub container: Allowed,
    /// Timestamps `>= min` (ns); a record without one fails any time bound.
    pub min_time: Option<i64>,
    /// Timestamps `< max` (ns).
    pub max_time: Option<i64>,
}

impl Filter {
    /// Whether any predicate needs the timestamp.
    pub fn on_time(&self) -> bool {
        self.min_time.is_some() || self.max_time.is_some()
    }

    pub fn on_level(&self) -> bool {
        self.levels.is_some()
    }

    /// The checks on the columns a format gives as they are (no parsing needed).
    #[inline]
    pub fn admits_place(
        &self,
        namespace: Option<&str>,
        pod: Option<&str>,
        container: Option<&str>,
    ) -> bool {
        self.namespace.admits(namespace) && self.pod.admits(pod) && self.container.admits(container)
    }

    pub fn admits_time(&self, timestamp: Option<i64>) -> bool {
        if !self.on_time() {
            return true;
        }
        let Some(t) = timestamp else { return false };
        self.min_time.is_none_or(|min| t >= min) && self.max_time.is_none_or(|max| t < max)
    }

    pub fn admits_level(&self, level: Option<Level>) -> bool {
        match self.levels {
            None => true,
            Some(allowed) => allowed[level.map_or(5, |l| l as usize)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_admits_everything() {
        let f = Filter::default();
        assert!(
            f.admits_place(None, Some("p"), None) && f.admits_time(None) && f.admits_level(None)
        );
    }

    #[test]
    fn bounds_and_sets() {
        let f = Filter {
            levels: Some([false, false, false, true, true, false]),
            container: Allowed {
                values: Some(HashSet::from(["backend".to_string()])),
                null: false,
            },
            min_time: Some(10),
            max_time: Some(20),
            ..Filter::default()
        };
        assert!(
            f.admits_level(Some(Level::Error))
                && !f.admits_level(Some(Level::Info))
                && !f.admits_level(None)
        );
        assert!(f.admits_place(None, None, Some("backend")) && !f.admits_place(None, None, None));
        assert!(f.admits_time(Some(10)) && !f.admits_time(Some(20)) && !f.admits_time(None));
    }
}
