//! What the people's pages show: a student's classes and subjects, a teacher's sections and students. Every query
//! starts from the signed-in person, so a page cannot show anyone else's classes.

use classbridge_domain::{SectionId, TenantId, UserId};
use sqlx::QueryBuilder;

use crate::{Store, StoreResult};

/// Where a section sits.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Place {
    pub section_id: SectionId,
    pub section: String,
    pub class: String,
    pub branch: String,
}

/// A section a teacher teaches in, with the subject (none for a hand-made `teacher_of`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Teaching {
    pub section_id: SectionId,
    pub section: String,
    pub class: String,
    pub branch: String,
    pub subject: Option<String>,
}

/// A subject taught in a student's section, with one of its teachers (none when it has no teacher).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SectionSubject {
    pub section_id: SectionId,
    pub subject: String,
    pub teacher: Option<String>,
}

/// A student of a teacher's section.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SectionStudent {
    pub section_id: SectionId,
    pub name: String,
}

const PLACE: &str = "s.id AS section_id, s.name AS section, c.name AS class, b.name AS branch \
     FROM sections s JOIN classes c ON c.id = s.class_id JOIN branches b ON b.id = s.branch_id";

impl Store {
    pub async fn student_places(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> StoreResult<Vec<Place>> {
        let sql = format!(
            "SELECT {PLACE} JOIN section_students m ON m.section_id = s.id \
             WHERE s.tenant_id = $1 AND m.user_id = $2 ORDER BY b.name, c.name, s.name"
        );
        Ok(
            on_reader!(self, pool => sqlx::query_as(&sql).bind(tenant_id.get()).bind(user_id).fetch_all(pool).await?),
        )
    }

    pub async fn teacher_places(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> StoreResult<Vec<Teaching>> {
        let sql = "SELECT s.id AS section_id, s.name AS section, c.name AS class, b.name AS branch, j.name AS subject \
                   FROM teaching_assignments t JOIN sections s ON s.id = t.section_id JOIN classes c ON c.id = s.class_id \
                   JOIN branches b ON b.id = s.branch_id JOIN subjects j ON j.id = t.subject_id \
                   WHERE s.tenant_id = $1 AND t.user_id = $2 \
                   UNION ALL \
                   SELECT s.id, s.name, c.name, b.name, NULL FROM section_teachers x JOIN sections s ON s.id = x.section_id \
                   JOIN classes c ON c.id = s.class_id JOIN branches b ON b.id = s.branch_id \
                   WHERE s.tenant_id = $1 AND x.user_id = $2 \
                   ORDER BY branch, class, section, subject";
        Ok(
            on_reader!(self, pool => sqlx::query_as(sql).bind(tenant_id.get()).bind(user_id).fetch_all(pool).await?),
        )
    }

    /// The subjects of these sections of the tenant, each with each of its teachers (a subject without teachers
    /// once, with none), by section, subject and teacher.
    pub async fn subjects_with_teachers(
        &self,
        tenant_id: TenantId,
        section_ids: &[SectionId],
    ) -> StoreResult<Vec<SectionSubject>> {
        if section_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(
                "SELECT ss.section_id, j.name AS subject, u.name AS teacher FROM section_subjects ss JOIN subjects j ON j.id = ss.subject_id \
                 LEFT JOIN teaching_assignments t ON t.section_id = ss.section_id AND t.subject_id = ss.subject_id \
                 LEFT JOIN users u ON u.id = t.user_id WHERE j.tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND ss.section_id IN (");
            let mut separated = query.separated(", ");
            for id in section_ids {
                separated.push_bind(*id);
            }
            separated.push_unseparated(") ORDER BY ss.section_id, j.name, u.name");
            query.build_query_as().fetch_all(pool).await?
        }))
    }

    /// The active students of these sections of the tenant, by section and name.
    pub async fn students_in(
        &self,
        tenant_id: TenantId,
        section_ids: &[SectionId],
    ) -> StoreResult<Vec<SectionStudent>> {
        if section_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_reader!(self, pool => {
            let mut query = QueryBuilder::new(
                "SELECT m.section_id, u.name FROM section_students m JOIN users u ON u.id = m.user_id WHERE u.active AND u.tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND m.section_id IN (");
            let mut separated = query.separated(", ");
            for id in section_ids {
                separated.push_bind(*id);
            }
            separated.push_unseparated(") ORDER BY m.section_id, u.name");
            query.build_query_as().fetch_all(pool).await?
        }))
    }
}
