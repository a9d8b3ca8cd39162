//! The wake-up: a dedicated connection that LISTENs on the hub's channel, so a workstation
//! pulls as soon as another has pushed. It is only a hint; a periodic pull stays the
//! fallback, since notices are lost while a connection is down.

use tokio::sync::mpsc;
use tokio_postgres::AsyncMessage;

use super::{CHANNEL, HubError, redact_url};

/// A connection listening for pushes.
pub struct Listener {
    notices: mpsc::UnboundedReceiver<String>,
    // Kept so the connection stays open; dropping the listener closes it.
    _client: tokio_postgres::Client,
}

impl Listener {
    /// Opens its own connection and starts listening.
    pub async fn connect(url: &str) -> Result<Listener, HubError> {
        let (config, tls) = super::address_from_url(url)?;
        let connector = super::tls::connector(&tls)?;
        let (client, mut connection) = super::within(url, "connecting", async {
            config
                .connect(connector)
                .await
                .map_err(|error| HubError::Connect {
                    url: redact_url(url),
                    reason: super::describe(&error),
                })
        })
        .await?;
        let (sender, notices) = mpsc::unbounded_channel();
        // The connection must be polled for notices to arrive, also while LISTEN runs.
        tokio::spawn(async move {
            loop {
                match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                    Some(Ok(AsyncMessage::Notification(notice))) => {
                        if sender.send(notice.payload().to_string()).is_err() {
                            break;
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(error)) => {
                        tracing::warn!("the hub listener stopped: {error}");
                        break;
                    }
                    None => break,
                }
            }
        });
        super::within(url, "listening", async {
            Ok(client.batch_execute(&format!("LISTEN {CHANNEL}")).await?)
        })
        .await?;
        Ok(Listener {
            notices,
            _client: client,
        })
    }

    /// Waits for the next push anywhere in the team; `None` once the connection is gone
    /// (pull on the timer and connect again).
    pub async fn next(&mut self) -> Option<String> {
        self.notices.recv().await
    }

    /// Everything that arrived already, without waiting; `true` if anything did.
    pub fn drain(&mut self) -> bool {
        let mut any = false;
        while self.notices.try_recv().is_ok() {
            any = true;
        }
        any
    }
}
