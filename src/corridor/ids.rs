//! Typed indices and the closed sets of the rail domain: gauges,
//! directions, ways of changing gauge.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The index into the network's table.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// Index of a place (hub, junction or border port) in a network.
    PlaceId
);
id_type!(
    /// Index of a border port in a network.
    PortId
);
id_type!(
    /// Index of a line section in a network.
    SectionId
);
id_type!(
    /// Index of a route in a network.
    RouteId
);
id_type!(
    /// Index of a flow in a network.
    FlowId
);
id_type!(
    /// Index of a traffic class in a network; class 0 is always the
    /// container class.
    ClassId
);

impl ClassId {
    /// The container class, which every network has.
    pub const CONTAINER: ClassId = ClassId(0);
}

/// Track gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Gauge {
    /// 1435 mm: China and the European Union.
    Standard1435,
    /// 1520 mm: Kazakhstan, Russia, Belarus, Mongolia.
    Broad1520,
}

impl Gauge {
    /// The gauge of `mm` millimetres, if silkrail knows it (1435 or 1520).
    pub fn from_mm(mm: u32) -> Option<Gauge> {
        match mm {
            1435 => Some(Gauge::Standard1435),
            1520 => Some(Gauge::Broad1520),
            _ => None,
        }
    }

    /// The gauge in millimetres.
    pub fn mm(self) -> u32 {
        match self {
            Gauge::Standard1435 => 1435,
            Gauge::Broad1520 => 1520,
        }
    }
}

/// Direction of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// From China towards Europe.
    Westbound,
    /// From Europe towards China.
    Eastbound,
}

impl Direction {
    /// Both directions, in index order.
    pub const BOTH: [Direction; 2] = [Direction::Westbound, Direction::Eastbound];

    /// 0 for westbound, 1 for eastbound.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// `westbound` or `eastbound`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Westbound => "westbound",
            Direction::Eastbound => "eastbound",
        }
    }
}

/// How a border port changes gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GaugeChange {
    /// Containers lifted between wagons by cranes.
    Transshipment,
    /// Bogies exchanged under the wagons.
    BogieExchange,
    /// No change of gauge.
    None,
}
