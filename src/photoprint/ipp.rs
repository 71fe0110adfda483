//! The few IPP messages the booth sends (RFC 8011 operations, RFC 8010 encoding): a request is
//! built as bytes and an answer read back into attributes. Pure: no sockets here.

/// Operations the booth uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    /// Print-Job: the document follows the attributes.
    PrintJob = 0x0002,
    /// Get-Jobs: has a job of this name been taken already?
    GetJobs = 0x000A,
    /// Get-Printer-Attributes: state, reasons, markers.
    GetPrinterAttributes = 0x000B,
}

/// Value tags (RFC 8010 §3.5.2).
mod tag {
    pub const OPERATION: u8 = 0x01;
    pub const JOB: u8 = 0x02;
    pub const END: u8 = 0x03;
    pub const INTEGER: u8 = 0x21;
    pub const BOOLEAN: u8 = 0x22;
    pub const ENUM: u8 = 0x23;
    pub const BEGIN_COLLECTION: u8 = 0x34;
    pub const END_COLLECTION: u8 = 0x37;
    pub const MEMBER_NAME: u8 = 0x4A;
    pub const NAME: u8 = 0x42;
    pub const KEYWORD: u8 = 0x44;
    pub const URI: u8 = 0x45;
    pub const CHARSET: u8 = 0x47;
    pub const LANGUAGE: u8 = 0x48;
    pub const MIME: u8 = 0x49;
}

/// A value of an attribute, as far as the booth reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// integer or enum.
    Int(i32),
    /// boolean.
    Bool(bool),
    /// Any string type (keyword, name, text, uri, …).
    Text(String),
    /// Something else (a collection, a date, a resolution, out-of-band): not read.
    Other,
}

impl Value {
    pub(crate) fn int(&self) -> Option<i32> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// One attribute of an answer, with its group tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute {
    /// The group it came in (operation 1, job 2, printer 4, unsupported 5).
    pub(crate) group: u8,
    /// Which group of the answer, counted from 0 (a Get-Jobs answer has one per job).
    pub(crate) nth_group: usize,
    pub(crate) name: String,
    pub(crate) values: Vec<Value>,
}

/// An IPP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    /// `status-code`: below 0x0100 is success.
    pub(crate) status: u16,
    pub(crate) attributes: Vec<Attribute>,
}

impl Response {
    /// Whether the operation succeeded (successful-ok and its "ignored or substituted" kin).
    pub(crate) fn ok(&self) -> bool {
        self.status < 0x0100
    }

    /// The values of the first attribute called `name`.
    pub(crate) fn get(&self, name: &str) -> &[Value] {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map_or(&[], |a| a.values.as_slice())
    }

    /// The attributes of each group `group` (one group per job in a Get-Jobs answer).
    pub(crate) fn groups(&self, group: u8) -> Vec<Vec<&Attribute>> {
        let mut out: Vec<Vec<&Attribute>> = Vec::new();
        let mut current = None;
        for a in self.attributes.iter().filter(|a| a.group == group) {
            if current != Some(a.nth_group) {
                out.push(Vec::new());
                current = Some(a.nth_group);
            }
            if let Some(g) = out.last_mut() {
                g.push(a);
            }
        }
        out
    }
}

/// A collection value to send (RFC 8010 §3.1.6), its members in order: integers, keywords and
/// collections inside it (`media-col` holds `media-size`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Collection {
    members: Vec<(String, Member)>,
}

/// A member's value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Integer(i32),
    Keyword(String),
    Collection(Collection),
}

impl Collection {
    /// An integer member (`x-dimension`, `media-top-margin`).
    pub(crate) fn integer(mut self, name: &str, value: i32) -> Self {
        self.members.push((name.to_owned(), Member::Integer(value)));
        self
    }

    /// A keyword member (`media-source`).
    pub(crate) fn keyword(mut self, name: &str, value: &str) -> Self {
        self.members
            .push((name.to_owned(), Member::Keyword(value.to_owned())));
        self
    }

    /// A collection member (`media-size`).
    pub(crate) fn collection(mut self, name: &str, value: Collection) -> Self {
        self.members
            .push((name.to_owned(), Member::Collection(value)));
        self
    }

    /// Whether it has a member called `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.members.iter().any(|(n, _)| n == name)
    }

    /// The members, each as a `memberAttrName` value with an empty name, then its value with an
    /// empty name (RFC 8010 §3.1.6); the begin and end of the collection itself are the caller's.
    fn encode(&self, out: &mut Vec<u8>) {
        for (name, member) in &self.members {
            field(out, tag::MEMBER_NAME, "", name.as_bytes());
            match member {
                Member::Integer(i) => field(out, tag::INTEGER, "", &i.to_be_bytes()),
                Member::Keyword(k) => field(out, tag::KEYWORD, "", k.as_bytes()),
                Member::Collection(c) => {
                    field(out, tag::BEGIN_COLLECTION, "", b"");
                    c.encode(out);
                    field(out, tag::END_COLLECTION, "", b"");
                }
            }
        }
    }
}

/// One attribute-with-one-value field: value tag, name length, name, value length, value
/// (RFC 8010 §3.1.4).
fn field(out: &mut Vec<u8>, tag: u8, name: &str, value: &[u8]) {
    out.push(tag);
    out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
}

/// A request being built.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    bytes: Vec<u8>,
    group: u8,
}

impl Request {
    /// A request for `op` on the printer at `printer_uri`, with the operation attributes every
    /// request carries.
    pub(crate) fn new(op: Operation, request_id: u32, printer_uri: &str) -> Self {
        let mut bytes = vec![1, 1];
        bytes.extend_from_slice(&(op as u16).to_be_bytes());
        bytes.extend_from_slice(&request_id.to_be_bytes());
        bytes.push(tag::OPERATION);
        Request {
            bytes,
            group: tag::OPERATION,
        }
        .value(tag::CHARSET, "attributes-charset", b"utf-8")
        .value(tag::LANGUAGE, "attributes-natural-language", b"en")
        .value(tag::URI, "printer-uri", printer_uri.as_bytes())
        .value(tag::NAME, "requesting-user-name", b"idbooth")
    }

    fn value(mut self, tag: u8, name: &str, value: &[u8]) -> Self {
        field(&mut self.bytes, tag, name, value);
        self
    }

    /// A collection (`media-col`): begCollection with the attribute's name, its members,
    /// endCollection (RFC 8010 §3.1.6).
    pub(crate) fn collection(mut self, name: &str, value: &Collection) -> Self {
        field(&mut self.bytes, tag::BEGIN_COLLECTION, name, b"");
        value.encode(&mut self.bytes);
        field(&mut self.bytes, tag::END_COLLECTION, "", b"");
        self
    }

    /// A name (`job-name`).
    pub(crate) fn name(self, name: &str, value: &str) -> Self {
        self.value(tag::NAME, name, value.as_bytes())
    }

    /// A MIME type (`document-format`).
    pub(crate) fn mime(self, name: &str, value: &str) -> Self {
        self.value(tag::MIME, name, value.as_bytes())
    }

    /// A keyword (`which-jobs`, `media`).
    pub(crate) fn keyword(self, name: &str, value: &str) -> Self {
        self.value(tag::KEYWORD, name, value.as_bytes())
    }

    /// A boolean (`my-jobs`).
    pub(crate) fn boolean(self, name: &str, value: bool) -> Self {
        self.value(tag::BOOLEAN, name, &[u8::from(value)])
    }

    /// An integer (`copies`, `limit`).
    pub(crate) fn integer(self, name: &str, value: i32) -> Self {
        self.value(tag::INTEGER, name, &value.to_be_bytes())
    }

    /// A set of keywords (`requested-attributes`).
    pub(crate) fn keywords(mut self, name: &str, values: &[&str]) -> Self {
        for (i, v) in values.iter().enumerate() {
            self = self.value(tag::KEYWORD, if i == 0 { name } else { "" }, v.as_bytes());
        }
        self
    }

    /// What follows goes in the job attributes group.
    pub(crate) fn job_attributes(mut self) -> Self {
        if self.group != tag::JOB {
            self.bytes.push(tag::JOB);
            self.group = tag::JOB;
        }
        self
    }

    /// The request's bytes, with `document` after the attributes.
    pub(crate) fn finish(mut self, document: &[u8]) -> Vec<u8> {
        self.bytes.push(tag::END);
        self.bytes.extend_from_slice(document);
        self.bytes
    }
}

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IPP answer: {0}")]
pub(crate) struct Malformed(&'static str);

/// Reads an IPP answer.
pub(crate) fn parse(bytes: &[u8]) -> Result<Response, Malformed> {
    let mut r = Reader { bytes, at: 0 };
    r.take(2)?; // version
    let status = r.u16()?;
    r.take(4)?; // request id
    let mut group = 0u8;
    let mut nth_group = 0usize;
    let mut attributes: Vec<Attribute> = Vec::new();
    // Inside a collection (depth > 0) values belong to its members: the booth reads none.
    let mut depth = 0usize;
    loop {
        let t = r.u8()?;
        if t == tag::END {
            break;
        }
        if t < 0x10 {
            if group != 0 {
                nth_group += 1;
            }
            group = t;
            continue;
        }
        let name_len = usize::from(r.u16()?);
        let name = String::from_utf8_lossy(r.take(name_len)?).into_owned();
        let value_len = usize::from(r.u16()?);
        let raw = r.take(value_len)?;
        let value = match t {
            tag::BEGIN_COLLECTION => {
                depth += 1;
                Value::Other
            }
            tag::END_COLLECTION => {
                depth = depth.saturating_sub(1);
                continue;
            }
            _ if depth > 0 => continue,
            tag::INTEGER | tag::ENUM if raw.len() == 4 => {
                Value::Int(i32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]))
            }
            tag::BOOLEAN if raw.len() == 1 => Value::Bool(raw[0] != 0),
            0x40..=0x4F => Value::Text(String::from_utf8_lossy(raw).into_owned()),
            _ => Value::Other,
        };
        if depth > 1 {
            continue;
        }
        if name.is_empty() {
            // Another value of the attribute before.
            match attributes.last_mut() {
                Some(last) => last.values.push(value),
                None => return Err(Malformed("a value without an attribute")),
            }
        } else {
            attributes.push(Attribute {
                group,
                nth_group,
                name,
                values: vec![value],
            });
        }
    }
    Ok(Response { status, attributes })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        let out = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or(Malformed("cut short"))?;
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, Malformed> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_encoded_as_rfc_8010_says() {
        let bytes = Request::new(Operation::GetPrinterAttributes, 7, "ipp://h/p")
            .keywords("requested-attributes", &["printer-state", "marker-levels"])
            .finish(b"");
        assert_eq!(&bytes[..8], &[1, 1, 0, 0x0B, 0, 0, 0, 7]);
        assert_eq!(bytes[8], tag::OPERATION);
        // attributes-charset first, as RFC 8011 §4.1.4 wants.
        assert_eq!(bytes[9], tag::CHARSET);
        assert_eq!(&bytes[10..12], &[0, 18]);
        assert_eq!(&bytes[12..30], b"attributes-charset");
        // The second requested attribute is an additional value: no name.
        let tail = [
            &[tag::KEYWORD, 0, 0, 0, 13][..],
            b"marker-levels",
            &[tag::END],
        ]
        .concat();
        assert!(bytes.ends_with(&tail), "{bytes:?}");
    }

    /// An answer as a printer encodes it, built by hand.
    fn answer(status: u16, attrs: &[(u8, u8, &str, &[u8])]) -> Vec<u8> {
        let mut out = vec![2, 0];
        out.extend_from_slice(&status.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 1]);
        let mut group = 0;
        for (g, t, name, value) in attrs {
            if *g == 0x12 {
                // Marks a new group of the same kind.
                group = 0;
                continue;
            }
            if *g != group {
                out.push(*g);
                group = *g;
            }
            out.push(*t);
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&(value.len() as u16).to_be_bytes());
            out.extend_from_slice(value);
        }
        out.push(tag::END);
        out
    }

    #[test]
    fn an_answer_is_read_with_sets_and_collections_skipped() {
        let bytes = answer(
            0x0000,
            &[
                (1, tag::CHARSET, "attributes-charset", b"utf-8"),
                (4, tag::ENUM, "printer-state", &5i32.to_be_bytes()),
                (
                    4,
                    tag::KEYWORD,
                    "printer-state-reasons",
                    b"media-empty-error",
                ),
                (4, tag::KEYWORD, "", b"marker-supply-low-warning"),
                (4, tag::BEGIN_COLLECTION, "media-col-ready", b""),
                (4, 0x4A, "", b"media-size"),
                (4, tag::BEGIN_COLLECTION, "", b""),
                (4, 0x4A, "", b"x-dimension"),
                (4, tag::INTEGER, "", &10160i32.to_be_bytes()),
                (4, tag::END_COLLECTION, "", b""),
                (4, tag::END_COLLECTION, "", b""),
                (4, tag::INTEGER, "marker-levels", &3i32.to_be_bytes()),
                (4, tag::BOOLEAN, "printer-is-accepting-jobs", &[1]),
            ],
        );
        let r = parse(&bytes).expect("parses");
        assert!(r.ok());
        assert_eq!(r.get("printer-state"), &[Value::Int(5)]);
        assert_eq!(
            r.get("printer-state-reasons"),
            &[
                Value::Text("media-empty-error".into()),
                Value::Text("marker-supply-low-warning".into())
            ]
        );
        assert_eq!(r.get("media-col-ready"), &[Value::Other]);
        assert_eq!(r.get("marker-levels"), &[Value::Int(3)]);
        assert_eq!(r.get("printer-is-accepting-jobs"), &[Value::Bool(true)]);
        assert_eq!(r.get("x-dimension"), &[] as &[Value]);
    }

    #[test]
    fn job_groups_are_told_apart() {
        let bytes = answer(
            0x0000,
            &[
                (1, tag::CHARSET, "attributes-charset", b"utf-8"),
                (2, tag::NAME, "job-name", b"a"),
                (2, tag::ENUM, "job-state", &9i32.to_be_bytes()),
                // A second job group: its delimiter is repeated.
                (0x12, 0, "", b""),
                (2, tag::NAME, "job-name", b"b"),
                (2, tag::ENUM, "job-state", &3i32.to_be_bytes()),
            ],
        );
        let r = parse(&bytes).expect("parses");
        let jobs = r.groups(2);
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[1][0].values, vec![Value::Text("b".into())]);
    }

    #[test]
    fn a_cut_answer_is_malformed() {
        let bytes = answer(0, &[(4, tag::KEYWORD, "printer-state-reasons", b"none")]);
        assert_eq!(
            parse(&bytes[..bytes.len() - 3]),
            Err(Malformed("cut short"))
        );
        assert!(parse(b"<html>").is_err());
    }
}
