//! The lab pages' static assets, compiled into the binary: the shared runtime and style sheet and one small script
//! per lab. The server serves them under `/labs/assets/{name}`.

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every asset's name, content and content type.
static ASSETS: &[(&str, &[u8], &str)] = &[
    ("lab.css", include_bytes!("../assets/lab.css"), CSS),
    ("lab.js", include_bytes!("../assets/lab.js"), JS),
    ("ohms-law.js", include_bytes!("../assets/ohms-law.js"), JS),
    (
        "simple-pendulum.js",
        include_bytes!("../assets/simple-pendulum.js"),
        JS,
    ),
    (
        "hookes-law.js",
        include_bytes!("../assets/hookes-law.js"),
        JS,
    ),
    (
        "snells-law.js",
        include_bytes!("../assets/snells-law.js"),
        JS,
    ),
    (
        "acid-base-titration.js",
        include_bytes!("../assets/acid-base-titration.js"),
        JS,
    ),
    (
        "rate-temperature.js",
        include_bytes!("../assets/rate-temperature.js"),
        JS,
    ),
    (
        "photosynthesis-light.js",
        include_bytes!("../assets/photosynthesis-light.js"),
        JS,
    ),
    (
        "density-displacement.js",
        include_bytes!("../assets/density-displacement.js"),
        JS,
    ),
    (
        "osmosis-potato.js",
        include_bytes!("../assets/osmosis-potato.js"),
        JS,
    ),
];

static NAMES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| ASSETS.iter().map(|(name, _, _)| *name).collect());

/// An asset's bytes and content type.
pub fn asset(name: &str) -> Option<(&'static [u8], &'static str)> {
    ASSETS
        .iter()
        .find(|(asset, _, _)| *asset == name)
        .map(|(_, bytes, content_type)| (*bytes, *content_type))
}

/// The names of every asset.
pub fn asset_names() -> &'static [&'static str] {
    NAMES.as_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_found_by_name_and_only_them() {
        let (css, content_type) = asset("lab.css").unwrap();
        assert!(!css.is_empty());
        assert_eq!(content_type, "text/css; charset=utf-8");
        assert!(asset("../Cargo.toml").is_none());
        assert!(asset_names().contains(&"lab.js"));
        for name in asset_names() {
            assert!(asset(name).is_some());
        }
    }

    #[test]
    fn the_runtime_has_every_message_in_both_languages() {
        let text = std::str::from_utf8(asset("lab.js").unwrap().0).unwrap();
        let keys = |start: &str| -> Vec<String> {
            let block = &text[text.find(start).unwrap() + start.len()..];
            let block = &block[..block.find("\n    }").unwrap()];
            let mut keys: Vec<String> = block
                .lines()
                .filter_map(|line| line.trim().split_once(':').map(|(key, _)| key.to_string()))
                .collect();
            keys.sort();
            keys
        };
        let english = keys("en: {");
        assert!(english.len() > 15, "{english:?}");
        assert_eq!(english, keys("ar: {"));
    }

    #[test]
    fn scripts_load_nothing_from_elsewhere() {
        for name in asset_names() {
            let text = std::str::from_utf8(asset(name).unwrap().0)
                .unwrap()
                .replace("http://www.w3.org/2000/svg", "");
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "{name}"
            );
            assert!(
                !text.contains("eval(") && !text.contains("innerHTML"),
                "{name}"
            );
        }
    }
}
