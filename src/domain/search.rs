//! Jump-to search for the command palette: texts folded (lower case, accents removed, so "martin" finds "Martín"),
//! then each word of the query matched in a target's terms, as a run of letters or, failing that, as letters in
//! order (fuzzy: "alhbra" finds "Alhambra"). Targets are generic (a kind, an id, a label), so a new kind of target
//! is one more `add` call.

/// Folds `text` for matching: lower case, Latin accents and ligatures removed, every run of other characters
/// than letters and digits one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        let base = match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' | 'Á' | 'À' | 'Ä' | 'Â' | 'Ã' | 'Å' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ì' | 'Ï' | 'Î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'Ó' | 'Ò' | 'Ö' | 'Ô' | 'Õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ù' | 'Ü' | 'Û' => 'u',
            'ñ' | 'Ñ' => 'n',
            'ç' | 'Ç' => 'c',
            'ß' => 's',
            c if c.is_alphanumeric() => {
                for lower in c.to_lowercase() {
                    out.push(lower);
                }
                space = false;
                continue;
            }
            _ => {
                if !space {
                    out.push(' ');
                    space = true;
                }
                continue;
            }
        };
        out.push(base);
        space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// How well the folded word `word` matches the folded `text` (lower is better): a run of letters at a word's
/// start, a run elsewhere, or the letters in order with the gaps counted; `None` when the letters are not all there
/// in order.
pub fn word_score(word: &str, text: &str) -> Option<u32> {
    word_match(word, text).map(|(score, _)| score)
}

/// [`word_score`] and where the match starts in `text` (a byte offset; for letters in order, where the first is).
fn word_match(word: &str, text: &str) -> Option<(u32, usize)> {
    if let Some(at) = text.find(word) {
        let at_start = at == 0 || text.as_bytes()[at - 1] == b' ';
        return Some((if at_start { 0 } else { 1 }, at));
    }
    let first = word.chars().next().and_then(|c| text.find(c)).unwrap_or(0);
    fuzzy_score(word, text).map(|score| (score, first))
}

/// The letters of `word` in order in `text`, with the gaps between them counted.
fn fuzzy_score(word: &str, text: &str) -> Option<u32> {
    let mut gaps = 0u32;
    let mut chars = text.chars();
    let mut previous_matched = true;
    for wanted in word.chars() {
        loop {
            match chars.next() {
                Some(c) if c == wanted => {
                    previous_matched = true;
                    break;
                }
                Some(_) => {
                    if previous_matched {
                        gaps += 1;
                    }
                    previous_matched = false;
                }
                None => return None,
            }
        }
    }
    Some(2 + gaps)
}

/// One place the palette can jump to.
#[derive(Clone, Debug, PartialEq)]
pub struct Target<K> {
    /// What it is (a deal, a case…), for its icon, its href and its wording.
    pub kind: K,
    /// Its id.
    pub id: String,
    /// What is shown first (a deal's name, "#1042 subject").
    pub label: String,
    /// What is shown after it (account, contact).
    pub detail: String,
    /// Every term it is found by, folded and joined, the label first.
    terms: String,
    /// How long the folded label is at the start of `terms`.
    label_len: usize,
}

/// What a word found outside the label costs: a record named like the query ranks above one that only mentions
/// it (the person "Begoña Ibáñez" above the deals she takes part in).
const OUTSIDE_LABEL: u32 = 2;

/// The targets the palette searches, built once from the cache when the palette opens.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex<K> {
    targets: Vec<Target<K>>,
}

impl<K: Clone> SearchIndex<K> {
    /// An empty index.
    pub fn new() -> Self {
        SearchIndex { targets: Vec::new() }
    }

    /// Adds a target found by its label, its detail and `terms` (numbers, e-mails, phones…).
    pub fn add(&mut self, kind: K, id: &str, label: &str, detail: &str, terms: &[&str]) {
        let mut all = fold(label);
        let label_len = all.len();
        for term in std::iter::once(&detail).chain(terms) {
            if !term.is_empty() {
                all.push(' ');
                all.push_str(&fold(term));
            }
        }
        self.targets.push(Target {
            kind,
            id: id.into(),
            label: label.into(),
            detail: detail.into(),
            terms: all,
            label_len,
        });
    }

    /// How many targets it holds.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The best `limit` targets for `query` (every word must match), best first; ties go to the shorter label.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Target<K>> {
        search_all(&[self], query, limit)
    }
}

/// The best `limit` targets for `query` over several indexes ranked together, as if they were one (the palette
/// keeps the actions, the cached records and the cases apart, so each is rebuilt on its own).
pub fn search_all<'a, K: Clone>(indexes: &[&'a SearchIndex<K>], query: &str, limit: usize) -> Vec<&'a Target<K>> {
    let folded = fold(query);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u32, &Target<K>)> = indexes
        .iter()
        .flat_map(|index| index.targets.iter())
        .filter_map(|target| {
            let mut total = 0;
            for word in &words {
                let (score, at) = word_match(word, &target.terms)?;
                total += score + if at >= target.label_len { OUTSIDE_LABEL } else { 0 };
            }
            Some((total, target))
        })
        .collect();
    let limit = limit.min(scored.len());
    if limit == 0 {
        return Vec::new();
    }
    let order = |a: &(u32, &Target<K>), b: &(u32, &Target<K>)| {
        a.0.cmp(&b.0).then_with(|| a.1.label.len().cmp(&b.1.label.len())).then_with(|| a.1.label.cmp(&b.1.label))
    };
    // Only the best `limit` need sorting.
    scored.select_nth_unstable_by(limit - 1, order);
    scored.truncate(limit);
    scored.sort_by(order);
    scored.into_iter().map(|(_, target)| target).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_named_like_the_query_ranks_above_one_that_only_mentions_it() {
        let mut index = SearchIndex::new();
        index.add("deal", "d1", "Aceite", "Bodegas Sol", &["Begoña Ibáñez"]);
        index.add("contact", "c1", "Begoña Ibáñez Castaño", "Bodegas Sol", &[]);
        let found: Vec<&str> = index.search("ibanez", 5).iter().map(|t| t.id.as_str()).collect();
        assert_eq!(found, ["c1", "d1"], "the longer label named like the query still comes first");
    }

    #[test]
    fn several_indexes_rank_together_as_one() {
        let mut actions = SearchIndex::new();
        actions.add("action", "", "Cambiar a tema oscuro", "", &[]);
        let mut records = SearchIndex::new();
        records.add("deal", "d1", "Tema del olivar", "", &[]);
        records.add("deal", "d2", "Otro", "", &[]);
        let mut one = records.clone();
        one.add("action", "", "Cambiar a tema oscuro", "", &[]);
        let together: Vec<String> =
            search_all(&[&actions, &records], "tema", 5).iter().map(|t| t.label.clone()).collect();
        let single: Vec<String> = one.search("tema", 5).iter().map(|t| t.label.clone()).collect();
        assert_eq!(together, single);
        assert_eq!(
            together[0], "Tema del olivar",
            "a word start in a shorter label ranks first whichever index holds it"
        );
        assert!(search_all::<&str>(&[], "tema", 5).is_empty());
    }

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("Martín Núñez-Peña"), "martin nunez pena");
        assert_eq!(fold("  ÁLVARO   "), "alvaro");
        assert_eq!(fold("ana@tienda.example"), "ana tienda example");
        assert_eq!(fold("+34 600 111 222"), "34 600 111 222");
        assert_eq!(fold("Straße"), "strase");
    }

    #[test]
    fn runs_beat_scattered_letters_and_word_starts_beat_the_middle() {
        assert_eq!(word_score("martin", "lucia martin"), Some(0));
        assert_eq!(word_score("artin", "lucia martin"), Some(1));
        assert!(word_score("alhbra", "la alhambra").is_some_and(|s| s >= 2));
        assert_eq!(word_score("xyz", "la alhambra"), None);
    }

    #[test]
    fn every_word_must_match_and_the_best_come_first() {
        let mut index = SearchIndex::new();
        index.add("deal", "d1", "Aceite para Hotel Martín", "Hotel Martín", &["María Pérez", "maria@hotel.example"]);
        index.add("deal", "d2", "Vinos de Marisquería Los Arcos", "Marisquería Los Arcos", &[]);
        index.add("case", "c1", "#1042 No puedo descargar la factura", "Bar Triana", &["1042"]);
        let ids = |q: &str| index.search(q, 10).iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids("martin"), ["d1"], "accents ignored");
        assert_eq!(ids("MARIA"), ["d1", "d2"], "María at a word start first, then the middle of Marisquería");
        assert_eq!(ids("los arcos"), ["d2"]);
        assert_eq!(ids("1042"), ["c1"]);
        assert_eq!(ids("maria@hotel"), ["d1"], "an e-mail");
        assert_eq!(ids("dscrgar"), ["c1"], "fuzzy");
        assert!(ids("arcos martin").is_empty(), "every word must match");
        assert!(ids("  ").is_empty());
        assert_eq!(index.search("a", 2).len(), 2, "limited");
    }

    #[test]
    fn fifty_thousand_targets_are_searched_quickly() {
        let mut index = SearchIndex::new();
        for i in 0..50_000 {
            let name = format!("Contrato {i} – Bar El Olivo (Córdoba)");
            index.add(0u8, &format!("deal_{i}"), &name, "Bar El Olivo", &["Rocío Jiménez", "rocio@olivo.example"]);
        }
        let started = std::time::Instant::now();
        let found = index.search("olivo 4999", 20);
        let elapsed = started.elapsed();
        assert_eq!(found.first().map(|t| t.id.as_str()), Some("deal_4999"));
        // A loose bound for a debug build on a busy machine; `cargo xtask bench` measures it in the browser.
        assert!(elapsed.as_millis() < 2000, "{elapsed:?}");
    }
}
