//! Web origins (scheme, host, port) for the referer check: `https://a.example/x` carries origin `https://a.example`.

/// Parses a URL and returns its origin as `scheme://host[:port]`, the port left out when it is the scheme's default.
pub fn origin_of(text: &str) -> Option<String> {
    let url = url::Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{}://{}:{}", url.scheme(), host, port),
        None => format!("{}://{}", url.scheme(), host),
    })
}

/// A referer header is accepted when its origin equals the registered one; a path after it is allowed.
pub fn referer_matches(referer: Option<&str>, registered_origin: &str) -> bool {
    referer
        .and_then(origin_of)
        .is_some_and(|origin| origin == registered_origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_drop_paths_and_default_ports() {
        assert_eq!(
            origin_of("http://localhost").as_deref(),
            Some("http://localhost")
        );
        assert_eq!(
            origin_of("http://localhost:80/a?b").as_deref(),
            Some("http://localhost")
        );
        assert_eq!(
            origin_of("https://School.Example:8443/x").as_deref(),
            Some("https://school.example:8443")
        );
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn referer_must_carry_the_registered_origin() {
        assert!(referer_matches(
            Some("http://localhost/some/page"),
            "http://localhost"
        ));
        assert!(!referer_matches(
            Some("http://localhost:8080/"),
            "http://localhost"
        ));
        assert!(!referer_matches(
            Some("https://localhost/"),
            "http://localhost"
        ));
        assert!(!referer_matches(
            Some("http://localhost.evil.example/"),
            "http://localhost"
        ));
        assert!(!referer_matches(None, "http://localhost"));
    }
}
