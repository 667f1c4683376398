//! Keyboard moves in a row of items where one is current (tabs): which item a key goes to.

/// The item that `key` moves to from item `from` of `count` (wrapping at the ends), or `None` for other keys.
pub fn next_index(key: &str, from: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" | "ArrowDown" => Some((from + 1) % count),
        "ArrowLeft" | "ArrowUp" => Some((from + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::next_index;

    #[test]
    fn arrows_wrap_and_home_and_end_go_to_the_ends() {
        assert_eq!(next_index("ArrowRight", 2, 3), Some(0));
        assert_eq!(next_index("ArrowLeft", 0, 3), Some(2));
        assert_eq!(next_index("ArrowDown", 0, 3), Some(1));
        assert_eq!((next_index("Home", 2, 3), next_index("End", 0, 3)), (Some(0), Some(2)));
        assert_eq!(next_index("Enter", 1, 3), None);
        assert_eq!(next_index("ArrowRight", 0, 0), None, "no items, nowhere to go");
    }
}
