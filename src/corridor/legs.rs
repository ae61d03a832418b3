//! What the model reads of each leg of a route as trains run and choose,
//! built once with the network (by the builder) so that the per-event
//! code reads one small record instead of the section's, the place's and
//! the route's.

use super::ids::{PortId, SectionId};

/// One leg of a route as the model reads it when a train runs or
/// chooses: the section's numbers that never change, and the port the leg
/// leads to, side by side in one small record rather than behind the
/// section's, the place's and the route's own records.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LegView {
    /// The section.
    pub(crate) section: SectionId,
    /// Travelled from its `to` end to its `from` end.
    pub(crate) reversed: bool,
    /// The section is a single track.
    pub(crate) single_track: bool,
    /// The section's mean running time \[h\].
    pub(crate) mean_running_hours: f64,
    /// The section's paths per day (`None`: unconstrained).
    pub(crate) paths_per_day: Option<f64>,
    /// The port at the leg's far end, if it is one.
    pub(crate) port_after: Option<PortId>,
}
