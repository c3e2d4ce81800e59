//! relay: store-and-forward over inter-satellite links.
//!
//! Messages uplinked to this app (commands that are not keywords, or `send …`) are stored
//! in `/data/relay/outbox` and forwarded with `isl_send` to the peer (`--peer NAME` or the
//! `peer NAME` command, remembered in `/data/relay/peer`). Messages received from other
//! satellites are stored in `/data/relay/inbox` as relay records (sender, receive time,
//! data) and queued for downlink; a record's file is deleted once the ground has it all.
//! Both spools survive restarts and migrate with the app, so nothing accepted is lost.
//!
//! Usage: `relay [--peer SATELLITE[/APP]]`

use skytwin_guest::downlink::{self, MessageId};
use skytwin_guest::relay::{RelayCommand, RelayRecord};
use skytwin_guest::spool::Spool;
use skytwin_guest::{self as st, isl, Error, Event, NS_PER_S};
use std::fs;
use std::time::Duration;

const PEER_FILE: &str = "/data/relay/peer";
/// Longest wait between heartbeats and retries.
const TICK: Duration = Duration::from_secs(10);

struct Relay {
    peer: Option<String>,
    outbox: Spool,
    inbox: Spool,
    /// Inbox records queued for downlink: (spool seq, downlink id, length).
    downlinking: Vec<(u64, MessageId, u64)>,
    forwarded: u64,
    received: u64,
    delivered: u64,
}

impl Relay {
    fn open() -> std::io::Result<Relay> {
        let mut peer = fs::read_to_string(PEER_FILE)
            .ok()
            .map(|p| p.trim().to_string());
        let args: Vec<String> = std::env::args().skip(1).collect();
        if let (Some("--peer"), Some(p)) = (args.first().map(String::as_str), args.get(1)) {
            peer = Some(p.clone());
        }
        Ok(Relay {
            peer: peer.filter(|p| !p.is_empty()),
            outbox: Spool::open("/data/relay/outbox")?,
            inbox: Spool::open("/data/relay/inbox")?,
            downlinking: Vec::new(),
            forwarded: 0,
            received: 0,
            delivered: 0,
        })
    }

    fn command(&mut self, cmd: &[u8]) {
        match RelayCommand::parse(cmd) {
            RelayCommand::Peer(p) => {
                st::info!("peer now {p}");
                if let Err(e) = fs::write(PEER_FILE, &p) {
                    st::warn!("saving peer: {e}");
                }
                self.peer = Some(p);
            }
            RelayCommand::Flush => self.forward(),
            RelayCommand::Status => self.status(),
            RelayCommand::Forward(msg) => match self.outbox.push(&msg) {
                Ok(seq) => st::info!("stored message {seq} ({} B) for forwarding", msg.len()),
                Err(e) => st::warn!("outbox full? {e}"),
            },
        }
    }

    /// Hands queued messages to the ISL, oldest first, until the host queue pushes back.
    fn forward(&mut self) {
        let peer = match &self.peer {
            Some(p) => p.clone(),
            None => return,
        };
        let seqs = self.outbox.list().unwrap_or_default();
        for seq in seqs {
            let data = match self.outbox.read(seq) {
                Ok(d) => d,
                Err(e) => {
                    st::warn!("outbox {seq}: {e}");
                    continue;
                }
            };
            match isl::send(&peer, &data) {
                Ok(id) => {
                    self.forwarded += 1;
                    st::info!(
                        "forwarded message {seq} ({} B) to {peer} as ISL id {}",
                        data.len(),
                        id.0
                    );
                    let _ = self.outbox.remove(seq);
                }
                Err(Error::Invalid) => {
                    st::warn!(
                        "message {seq} ({} B) cannot be sent over the ISL; dropped",
                        data.len()
                    );
                    let _ = self.outbox.remove(seq);
                }
                Err(Error::NotFound) => {
                    st::warn!(
                        "peer {peer} not found; holding {} messages",
                        self.outbox.list().map_or(0, |l| l.len())
                    );
                    return;
                }
                Err(e) => {
                    st::debug!("ISL busy ({e}); retrying later");
                    return;
                }
            }
        }
    }

    /// Stores every received ISL message in the inbox.
    fn receive(&mut self) {
        loop {
            match isl::recv() {
                Ok(Some(m)) => {
                    let rec = RelayRecord {
                        from: m.from,
                        received_unix_ns: st::time_now(),
                        data: m.data,
                    };
                    self.received += 1;
                    match self.inbox.push(&rec.encode()) {
                        Ok(seq) => st::info!(
                            "received {} B from {}, stored as {seq}",
                            rec.data.len(),
                            String::from_utf8_lossy(&rec.from)
                        ),
                        Err(e) => st::warn!("inbox: {e}; message dropped"),
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    st::warn!("isl_recv: {e}");
                    return;
                }
            }
        }
    }

    /// Queues inbox records not yet queued; deletes the ones fully delivered.
    fn downlink(&mut self) {
        let inbox = &self.inbox;
        let mut delivered = 0;
        self.downlinking
            .retain(|&(seq, id, len)| match downlink::status(id) {
                Ok(done) if done >= len => {
                    let _ = inbox.remove(seq);
                    delivered += 1;
                    false
                }
                Ok(_) => true,
                // the host no longer knows the id (e.g. after a restart): queue it again
                Err(_) => false,
            });
        self.delivered += delivered;
        let seqs = self.inbox.list().unwrap_or_default();
        for seq in seqs {
            if self.downlinking.iter().any(|&(s, _, _)| s == seq) {
                continue;
            }
            let data = match self.inbox.read(seq) {
                Ok(d) => d,
                Err(_) => continue,
            };
            match downlink::queue(&data, 3) {
                Ok(id) => self.downlinking.push((seq, id, data.len() as u64)),
                Err(e) => {
                    st::debug!("downlink queue: {e}; retrying later");
                    return;
                }
            }
        }
    }

    fn status(&self) {
        let (out_n, out_b) = self.outbox.usage().unwrap_or((0, 0));
        let (in_n, in_b) = self.inbox.usage().unwrap_or((0, 0));
        let line = format!(
            "relay: peer {}, forwarded {}, received {}, delivered {}; outbox {out_n} ({out_b} B), inbox {in_n} ({in_b} B)",
            self.peer.as_deref().unwrap_or("none"),
            self.forwarded,
            self.received,
            self.delivered
        );
        st::info!("{line}");
        let _ = downlink::queue(line.as_bytes(), 2);
    }
}

fn main() {
    let mut relay = match Relay::open() {
        Ok(r) => r,
        Err(e) => {
            st::error!("cannot open /data/relay: {e}");
            std::process::exit(1);
        }
    };
    st::info!(
        "relay {}: peer {}",
        st::identity().unwrap_or_default(),
        relay
            .peer
            .as_deref()
            .unwrap_or("none (set with `peer NAME`)")
    );
    let mask = Event::COMMAND | Event::ISL | Event::DOWNLINK_DONE | Event::CONTACT_START;
    loop {
        st::heartbeat();
        let ev = match st::wait(mask, Some(TICK)) {
            Ok(ev) => ev,
            Err(e) => {
                st::error!("wait: {e}");
                let _ = st::sleep_until(st::time_now() + 10 * NS_PER_S);
                continue;
            }
        };
        if ev.contains(Event::COMMAND) {
            while let Ok(Some(cmd)) = st::commands::recv() {
                relay.command(&cmd);
            }
        }
        if ev.contains(Event::ISL) {
            relay.receive();
        }
        if ev.contains(Event::CONTACT_START) {
            relay.status();
        }
        // every wake-up (event or tick): retry forwarding and downlinking
        relay.forward();
        relay.downlink();
    }
}
