//! The experiment catalogue: real school experiments in English and Arabic, in a stable order with stable ids.

use crate::{Experiment, SubjectArea};

/// Every experiment, in the catalogue's stable order.
pub fn catalogue() -> &'static [Experiment] {
    CATALOGUE
}

/// The experiment with this id.
pub fn experiment(id: &str) -> Option<&'static Experiment> {
    CATALOGUE.iter().find(|experiment| experiment.id == id)
}

static CATALOGUE: &[Experiment] = &[
    Experiment {
        id: "ohms-law",
        name_en: "Ohm's law",
        name_ar: "قانون أوم",
        description_en: "Connect an unknown resistor to a variable supply, read the voltmeter and the ammeter at several supply settings, and find the resistance from the slope of V against I.",
        description_ar: "صِل مقاومة مجهولة بمصدر جهد متغير، واقرأ الفولتميتر والأميتر عند عدة قيم للمصدر، ثم أوجد المقاومة من ميل منحنى الجهد مقابل التيار.",
        subject_area: SubjectArea::Physics,
        grade_band: "9-10",
        objectives_en: &[
            "Connect an ammeter in series and a voltmeter in parallel with a resistor",
            "Show that the current through a resistor is proportional to the voltage across it",
            "Find a resistance from the slope of a V-I graph, with its unit",
        ],
        objectives_ar: &[
            "توصيل الأميتر على التوالي والفولتميتر على التوازي مع المقاومة",
            "إثبات أن التيار المار في المقاومة يتناسب طرديًا مع الجهد بين طرفيها",
            "إيجاد المقاومة من ميل منحنى الجهد والتيار مع وحدتها",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "simple-pendulum",
        name_en: "The simple pendulum",
        name_ar: "البندول البسيط",
        description_en: "Time oscillations of a pendulum of several lengths on a research station whose gravity is unknown, and find g from the slope of T squared against length.",
        description_ar: "قِس زمن اهتزازات بندول بأطوال مختلفة في محطة أبحاث جاذبيتها مجهولة، ثم أوجد تسارع الجاذبية g من ميل منحنى مربع الزمن الدوري مقابل الطول.",
        subject_area: SubjectArea::Physics,
        grade_band: "9-10",
        objectives_en: &[
            "Measure a period by timing many oscillations to reduce reaction-time error",
            "Relate the period of a pendulum to its length: T = 2π√(L/g)",
            "Find the gravitational field strength from the slope of T² against L",
        ],
        objectives_ar: &[
            "قياس الزمن الدوري بتوقيت عدد كبير من الاهتزازات لتقليل خطأ زمن الاستجابة",
            "ربط الزمن الدوري للبندول بطوله: T = 2π√(L/g)",
            "إيجاد شدة مجال الجاذبية من ميل منحنى T² مقابل L",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "hookes-law",
        name_en: "Hooke's law",
        name_ar: "قانون هوك",
        description_en: "Hang slotted masses on a spring, read its length on a metre rule, and find the spring constant from the slope of force against extension.",
        description_ar: "علِّق أثقالًا على نابض، واقرأ طوله على مسطرة مترية، ثم أوجد ثابت النابض من ميل منحنى القوة مقابل الاستطالة.",
        subject_area: SubjectArea::Physics,
        grade_band: "7-8",
        objectives_en: &[
            "Measure extension as the change from the spring's natural length",
            "Show that extension is proportional to the load below the limit of proportionality",
            "Find a spring constant in N/m from a force-extension graph",
        ],
        objectives_ar: &[
            "قياس الاستطالة على أنها التغير عن الطول الطبيعي للنابض",
            "إثبات أن الاستطالة تتناسب طرديًا مع الحمل قبل حد التناسب",
            "إيجاد ثابت النابض بوحدة N/m من منحنى القوة والاستطالة",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "snells-law",
        name_en: "Refraction: Snell's law",
        name_ar: "الانكسار: قانون سنل",
        description_en: "Shine a ray into a transparent block at several angles of incidence, read the angle of refraction on a protractor, and find the block's refractive index.",
        description_ar: "وجِّه شعاعًا ضوئيًا إلى قالب شفاف بزوايا سقوط مختلفة، واقرأ زاوية الانكسار على المنقلة، ثم أوجد معامل انكسار القالب.",
        subject_area: SubjectArea::Physics,
        grade_band: "9-10",
        objectives_en: &[
            "Measure angles of incidence and refraction from the normal",
            "Show that sin i / sin r is constant for one pair of materials",
            "Find a refractive index from the slope of sin i against sin r",
        ],
        objectives_ar: &[
            "قياس زاويتي السقوط والانكسار من العمود المقام",
            "إثبات أن النسبة sin i / sin r ثابتة لزوج من الأوساط",
            "إيجاد معامل الانكسار من ميل منحنى sin i مقابل sin r",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "free-fall",
        name_en: "Free fall and g",
        name_ar: "السقوط الحر وتسارع الجاذبية",
        description_en: "Drop a steel ball through light gates from several heights, time the fall, and find g from the slope of height against time squared.",
        description_ar: "أسقِط كرة فولاذية عبر بوابات ضوئية من ارتفاعات مختلفة، وقِس زمن السقوط، ثم أوجد g من ميل منحنى الارتفاع مقابل مربع الزمن.",
        subject_area: SubjectArea::Physics,
        grade_band: "9-10",
        objectives_en: &[
            "Use light gates to time a fall without reaction-time error",
            "Apply s = ½gt² to uniformly accelerated motion from rest",
            "Find g from a graph and compare it with 9.81 m/s²",
        ],
        objectives_ar: &[
            "استخدام البوابات الضوئية لتوقيت السقوط دون خطأ زمن الاستجابة",
            "تطبيق العلاقة s = ½gt² على الحركة المتسارعة بانتظام من السكون",
            "إيجاد g من منحنى ومقارنتها بالقيمة 9.81 m/s²",
        ],
        runs_in_browser: false,
    },
    Experiment {
        id: "density-displacement",
        name_en: "Density by displacement",
        name_ar: "الكثافة بطريقة الإزاحة",
        description_en: "Weigh irregular objects on a balance, find their volume from the water they displace in a measuring cylinder, and identify the material from its density.",
        description_ar: "زِن أجسامًا غير منتظمة بالميزان، وأوجد حجمها من الماء المُزاح في المخبار المدرج، ثم تعرَّف على المادة من كثافتها.",
        subject_area: SubjectArea::Physics,
        grade_band: "7-8",
        objectives_en: &[
            "Measure the volume of an irregular solid by displacement",
            "Read a measuring cylinder at the bottom of the meniscus",
            "Calculate density as mass divided by volume, in g/cm³ and kg/m³",
        ],
        objectives_ar: &[
            "قياس حجم جسم صلب غير منتظم بطريقة الإزاحة",
            "قراءة المخبار المدرج عند أسفل السطح المقعّر",
            "حساب الكثافة بقسمة الكتلة على الحجم بوحدتي g/cm³ و kg/m³",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "specific-heat-metal",
        name_en: "Specific heat capacity of a metal",
        name_ar: "السعة الحرارية النوعية لفلز",
        description_en: "Heat a metal block with an immersion heater, record the temperature and the energy supplied, and find the metal's specific heat capacity.",
        description_ar: "سخِّن قالبًا فلزيًا بسخان غاطس، وسجِّل درجة الحرارة والطاقة المزوَّدة، ثم أوجد السعة الحرارية النوعية للفلز.",
        subject_area: SubjectArea::Physics,
        grade_band: "9-10",
        objectives_en: &[
            "Measure the energy supplied with a joulemeter or from power and time",
            "Apply E = mcΔθ",
            "Explain why heat lost to the surroundings makes the result too large",
        ],
        objectives_ar: &[
            "قياس الطاقة المزوَّدة بمقياس الجول أو من القدرة والزمن",
            "تطبيق العلاقة E = mcΔθ",
            "تفسير لماذا يجعل فقدان الحرارة إلى المحيط النتيجة أكبر من الحقيقية",
        ],
        runs_in_browser: false,
    },
    Experiment {
        id: "acid-base-titration",
        name_en: "Acid-base titration",
        name_ar: "المعايرة بين حمض وقاعدة",
        description_en: "Titrate 25.00 cm³ of hydrochloric acid of unknown concentration with 0.100 mol/dm³ sodium hydroxide, follow the pH, and find the acid's concentration from the end point.",
        description_ar: "عايِر 25.00 cm³ من حمض الهيدروكلوريك مجهول التركيز بمحلول هيدروكسيد الصوديوم 0.100 mol/dm³، وتابِع الرقم الهيدروجيني، ثم أوجد تركيز الحمض من نقطة التكافؤ.",
        subject_area: SubjectArea::Chemistry,
        grade_band: "11-12",
        objectives_en: &[
            "Read a burette to 0.05 cm³ and add titrant drop by drop near the end point",
            "Locate the equivalence point as the steepest part of the pH curve",
            "Calculate a concentration from the mole ratio of a neutralisation",
        ],
        objectives_ar: &[
            "قراءة السحاحة بدقة 0.05 cm³ وإضافة المحلول قطرة قطرة قرب نقطة النهاية",
            "تحديد نقطة التكافؤ بأنها الجزء الأشد انحدارًا من منحنى الرقم الهيدروجيني",
            "حساب التركيز من النسبة المولية في تفاعل التعادل",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "rate-temperature",
        name_en: "Rate of reaction and temperature",
        name_ar: "سرعة التفاعل ودرجة الحرارة",
        description_en: "Warm sodium thiosulfate solution to several temperatures, add hydrochloric acid, time how long the cross takes to disappear, and find the activation energy.",
        description_ar: "سخِّن محلول ثيوكبريتات الصوديوم إلى درجات حرارة مختلفة، وأضِف حمض الهيدروكلوريك، وقِس الزمن اللازم لاختفاء علامة الضرب، ثم أوجد طاقة التنشيط.",
        subject_area: SubjectArea::Chemistry,
        grade_band: "11-12",
        objectives_en: &[
            "Use 1/time as a measure of the rate of reaction",
            "Explain the effect of temperature with collision theory",
            "Find the activation energy from the slope of ln(1/t) against 1/T (Arrhenius)",
        ],
        objectives_ar: &[
            "استخدام مقلوب الزمن مقياسًا لسرعة التفاعل",
            "تفسير أثر درجة الحرارة بنظرية التصادم",
            "إيجاد طاقة التنشيط من ميل منحنى ln(1/t) مقابل 1/T (معادلة أرينيوس)",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "electrolysis-copper",
        name_en: "Electrolysis of copper sulfate",
        name_ar: "التحليل الكهربائي لكبريتات النحاس",
        description_en: "Pass a constant current through copper sulfate solution between copper electrodes for several times, weigh the cathode, and find the Faraday constant.",
        description_ar: "مرِّر تيارًا ثابتًا في محلول كبريتات النحاس بين قطبين من النحاس لأزمنة مختلفة، وزِن المهبط، ثم أوجد ثابت فاراداي.",
        subject_area: SubjectArea::Chemistry,
        grade_band: "11-12",
        objectives_en: &[
            "Relate the mass deposited at the cathode to the charge passed",
            "Write the half-equation Cu²⁺ + 2e⁻ → Cu",
            "Calculate the Faraday constant from Q = It and moles of copper",
        ],
        objectives_ar: &[
            "ربط الكتلة المترسبة على المهبط بكمية الشحنة المارة",
            "كتابة نصف المعادلة Cu²⁺ + 2e⁻ → Cu",
            "حساب ثابت فاراداي من Q = It وعدد مولات النحاس",
        ],
        runs_in_browser: false,
    },
    Experiment {
        id: "enthalpy-neutralisation",
        name_en: "Enthalpy of neutralisation",
        name_ar: "إنثالبي التعادل",
        description_en: "Mix hydrochloric acid and sodium hydroxide in an insulated cup, record the temperature rise, and calculate the enthalpy change of neutralisation.",
        description_ar: "امزج حمض الهيدروكلوريك وهيدروكسيد الصوديوم في كوب معزول، وسجِّل ارتفاع درجة الحرارة، ثم احسب تغير الإنثالبي للتعادل.",
        subject_area: SubjectArea::Chemistry,
        grade_band: "11-12",
        objectives_en: &[
            "Measure a temperature change in a calorimeter",
            "Calculate energy released with Q = mcΔT",
            "Express the enthalpy change per mole of water formed, with its sign",
        ],
        objectives_ar: &[
            "قياس تغير درجة الحرارة في المسعر",
            "حساب الطاقة المنطلقة بالعلاقة Q = mcΔT",
            "التعبير عن تغير الإنثالبي لكل مول من الماء المتكوّن مع إشارته",
        ],
        runs_in_browser: false,
    },
    Experiment {
        id: "photosynthesis-light",
        name_en: "Photosynthesis and light intensity",
        name_ar: "البناء الضوئي وشدة الإضاءة",
        description_en: "Count the oxygen bubbles given off by pondweed with a lamp at several distances, and find the rate of photosynthesis when light no longer limits it.",
        description_ar: "عُدَّ فقاعات الأكسجين التي ينتجها نبات مائي والمصباح على مسافات مختلفة، ثم أوجد سرعة البناء الضوئي عندما لا يعود الضوء عاملًا محددًا.",
        subject_area: SubjectArea::Biology,
        grade_band: "9-10",
        objectives_en: &[
            "Measure the rate of photosynthesis by counting bubbles over a fixed time",
            "Relate light intensity to distance by the inverse square law",
            "Identify where light stops being the limiting factor",
        ],
        objectives_ar: &[
            "قياس سرعة البناء الضوئي بعدّ الفقاعات خلال زمن محدد",
            "ربط شدة الإضاءة بالمسافة بقانون التربيع العكسي",
            "تحديد متى يتوقف الضوء عن كونه العامل المحدد",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "osmosis-potato",
        name_en: "Osmosis in potato cylinders",
        name_ar: "الخاصية الأسموزية في أسطوانات البطاطا",
        description_en: "Soak potato cylinders in sucrose solutions of several concentrations, weigh them before and after, and find the concentration with the same water potential as the potato cells.",
        description_ar: "انقع أسطوانات من البطاطا في محاليل سكروز بتراكيز مختلفة، وزِنها قبل النقع وبعده، ثم أوجد التركيز الذي له جهد مائي مساوٍ لخلايا البطاطا.",
        subject_area: SubjectArea::Biology,
        grade_band: "9-10",
        objectives_en: &[
            "Explain osmosis as the movement of water across a partially permeable membrane",
            "Use percentage change in mass to compare cylinders of different starting masses",
            "Find the isotonic concentration where the graph crosses zero change",
        ],
        objectives_ar: &[
            "تفسير الخاصية الأسموزية بأنها انتقال الماء عبر غشاء شبه منفذ",
            "استخدام النسبة المئوية للتغير في الكتلة لمقارنة أسطوانات مختلفة الكتلة الابتدائية",
            "إيجاد التركيز المتساوي التوتر حيث يقطع المنحنى خط انعدام التغير",
        ],
        runs_in_browser: true,
    },
    Experiment {
        id: "enzyme-ph",
        name_en: "Enzyme activity and pH",
        name_ar: "نشاط الإنزيم والرقم الهيدروجيني",
        description_en: "Measure the oxygen released by catalase from hydrogen peroxide in buffers of several pH values, and find the enzyme's optimum pH.",
        description_ar: "قِس الأكسجين الذي يطلقه إنزيم الكاتاليز من فوق أكسيد الهيدروجين في محاليل منظمة بأرقام هيدروجينية مختلفة، ثم أوجد الرقم الهيدروجيني الأمثل للإنزيم.",
        subject_area: SubjectArea::Biology,
        grade_band: "9-10",
        objectives_en: &[
            "Control variables: temperature, enzyme and substrate concentration",
            "Explain the optimum pH and denaturation by the shape of the active site",
            "Read an optimum from a graph of rate against pH",
        ],
        objectives_ar: &[
            "ضبط المتغيرات: درجة الحرارة وتركيز الإنزيم والمادة المتفاعلة",
            "تفسير الرقم الهيدروجيني الأمثل وتمسخ الإنزيم بشكل الموقع النشط",
            "قراءة القيمة المثلى من منحنى السرعة مقابل الرقم الهيدروجيني",
        ],
        runs_in_browser: false,
    },
    Experiment {
        id: "yeast-respiration",
        name_en: "Respiration in yeast and temperature",
        name_ar: "التنفس في الخميرة ودرجة الحرارة",
        description_en: "Collect the carbon dioxide given off by yeast in glucose solution in water baths at several temperatures, and compare the rates of anaerobic respiration.",
        description_ar: "اجمع ثاني أكسيد الكربون الذي تطلقه الخميرة في محلول الجلوكوز في حمامات مائية بدرجات حرارة مختلفة، وقارن سرعات التنفس اللاهوائي.",
        subject_area: SubjectArea::Biology,
        grade_band: "9-10",
        objectives_en: &[
            "Write the word equation for anaerobic respiration (fermentation) in yeast",
            "Measure a rate as the volume of gas per minute",
            "Explain the rise and fall of the rate with temperature",
        ],
        objectives_ar: &[
            "كتابة المعادلة اللفظية للتنفس اللاهوائي (التخمر) في الخميرة",
            "قياس السرعة بحجم الغاز في الدقيقة",
            "تفسير ارتفاع السرعة ثم انخفاضها مع درجة الحرارة",
        ],
        runs_in_browser: false,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_at_least_fourteen_experiments_with_unique_ids_in_all_subjects() {
        assert!(CATALOGUE.len() >= 14);
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|experiment| experiment.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
        for area in [
            SubjectArea::Physics,
            SubjectArea::Chemistry,
            SubjectArea::Biology,
        ] {
            assert!(
                CATALOGUE
                    .iter()
                    .filter(|experiment| experiment.subject_area == area)
                    .count()
                    >= 4
            );
        }
    }

    #[test]
    fn every_experiment_is_written_in_both_languages() {
        for experiment in CATALOGUE {
            assert!(
                experiment
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                experiment.id
            );
            for arabic in [experiment.name_ar, experiment.description_ar] {
                assert!(
                    arabic
                        .chars()
                        .any(|c| ('\u{0600}'..='\u{06ff}').contains(&c)),
                    "{}",
                    experiment.id
                );
            }
            assert!(!experiment.objectives_en.is_empty());
            assert_eq!(
                experiment.objectives_en.len(),
                experiment.objectives_ar.len(),
                "{}",
                experiment.id
            );
            assert!(experiment.grade_band.contains('-'));
        }
        assert_eq!(
            experiment("ohms-law").map(|experiment| experiment.name_en),
            Some("Ohm's law")
        );
        assert!(experiment("nope").is_none());
    }
}
