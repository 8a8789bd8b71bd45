"""Demo data for ``actas demo``.

Almacenes Brisa, a Spanish retailer, works with the analytics consultancy Datalia Analytics.
The organisation is the client; Datalia's consultants are external members. Everything here is
plain data: the demo loader turns it into service calls, which enforce the domain rules.
Run this file to self-check the data against those rules.
"""

from __future__ import annotations

from typing import Any

ORGANISATION: dict[str, str] = {
    "slug": "brisa",
    "name": "Almacenes Brisa",
    "language": "es",
    "default_rule": "consent",
}

UNITS: list[dict[str, Any]] = [
    {"key": "direccion", "name": "Dirección", "parent": None, "head": "lucia"},
    {"key": "marketing", "name": "Marketing", "parent": "direccion", "head": "carmen"},
    {"key": "analitica", "name": "Analítica web", "parent": "marketing", "head": "diego"},
    {"key": "ecommerce", "name": "E-commerce", "parent": "marketing", "head": "marta"},
    {"key": "tecnologia", "name": "Tecnología", "parent": "direccion", "head": "javier"},
    {"key": "datos", "name": "Datos y BI", "parent": "tecnologia", "head": "nuria"},
    {"key": "atencion", "name": "Atención al cliente", "parent": "direccion", "head": "pilar"},
    {"key": "tiendas", "name": "Red de tiendas", "parent": "direccion", "head": "raul"},
]

PEOPLE: list[dict[str, Any]] = [
    {
        "key": "lucia",
        "name": "Lucía Ferrer",
        "email": "lucia.ferrer@brisa.example",
        "language": "es",
        "unit": "direccion",
        "title": "Directora general",
        "role": "admin",
        "external": False,
        "weight": 3,
    },
    {
        "key": "carmen",
        "name": "Carmen Olmedo",
        "email": "carmen.olmedo@brisa.example",
        "language": "es",
        "unit": "marketing",
        "title": "Directora de marketing",
        "role": "admin",
        "external": False,
        "weight": 2,
    },
    {
        "key": "diego",
        "name": "Diego Navarro",
        "email": "diego.navarro@brisa.example",
        "language": "es",
        "unit": "analitica",
        "title": "Responsable de analítica web",
        "role": "member",
        "external": False,
        "weight": 2,
    },
    {
        "key": "marta",
        "name": "Marta Sáez",
        "email": "marta.saez@brisa.example",
        "language": "es",
        "unit": "ecommerce",
        "title": "Responsable de e-commerce",
        "role": "member",
        "external": False,
        "weight": 2,
    },
    {
        "key": "javier",
        "name": "Javier Lozano",
        "email": "javier.lozano@brisa.example",
        "language": "es",
        "unit": "tecnologia",
        "title": "Director de tecnología",
        "role": "member",
        "external": False,
        "weight": 2,
    },
    {
        "key": "nuria",
        "name": "Nuria Castell",
        "email": "nuria.castell@brisa.example",
        "language": "es",
        "unit": "datos",
        "title": "Responsable de datos y BI",
        "role": "member",
        "external": False,
        "weight": 2,
    },
    {
        "key": "pilar",
        "name": "Pilar Gómez",
        "email": "pilar.gomez@brisa.example",
        "language": "es",
        "unit": "atencion",
        "title": "Jefa de atención al cliente",
        "role": "member",
        "external": False,
        "weight": 2,
    },
    {
        "key": "elena",
        "name": "Elena Ruiz",
        "email": "elena.ruiz@brisa.example",
        "language": "es",
        "unit": "atencion",
        "title": "Coordinadora del contact center",
        "role": "member",
        "external": False,
        "weight": 1,
    },
    {
        "key": "raul",
        "name": "Raúl Medina",
        "email": "raul.medina@brisa.example",
        "language": "es",
        "unit": "tiendas",
        "title": "Director de la red de tiendas",
        "role": "member",
        "external": False,
        "weight": 2,
    },
    {
        "key": "ines",
        "name": "Inés Vidal",
        "email": "ines.vidal@brisa.example",
        "language": "es",
        "unit": "tiendas",
        "title": "Jefa de zona Levante",
        "role": "member",
        "external": False,
        "weight": 1,
    },
    {
        "key": "rosa",
        "name": "Rosa Méndez",
        "email": "rosa.mendez@brisa.example",
        "language": "es",
        "unit": "direccion",
        "title": "Delegada de protección de datos",
        "role": "member",
        "external": False,
        "weight": 1,
    },
    {
        "key": "pablo",
        "name": "Pablo Herrera",
        "email": "pablo.herrera@datalia.example",
        "language": "es",
        "unit": "analitica",
        "title": "Consultor sénior de analítica (Datalia)",
        "role": "member",
        "external": True,
        "weight": 1,
    },
    {
        "key": "ana",
        "name": "Ana Beltrán",
        "email": "ana.beltran@datalia.example",
        "language": "es",
        "unit": "marketing",
        "title": "Directora de cuenta (Datalia)",
        "role": "member",
        "external": True,
        "weight": 1,
    },
    {
        "key": "oliver",
        "name": "Oliver Grant",
        "email": "oliver.grant@datalia.example",
        "language": "en",
        "unit": "ecommerce",
        "title": "Experimentation lead (Datalia)",
        "role": "member",
        "external": True,
        "weight": 1,
    },
    {
        "key": "hannah",
        "name": "Hannah Kerr",
        "email": "hannah.kerr@datalia.example",
        "language": "en",
        "unit": "datos",
        "title": "Data architect (Datalia)",
        "role": "member",
        "external": True,
        "weight": 1,
    },
    {
        "key": "fernando",
        "name": "Fernando Ibáñez",
        "email": "fernando.ibanez@brisa.example",
        "language": "es",
        "unit": "direccion",
        "title": "Controller financiero",
        "role": "observer",
        "external": False,
        "weight": 1,
    },
    {
        "key": "clara",
        "name": "Clara Montes",
        "email": "clara.montes@brisa.example",
        "language": "es",
        "unit": "marketing",
        "title": "Técnica de marketing en prácticas",
        "role": "observer",
        "external": False,
        "weight": 1,
    },
]

PROPOSALS: list[dict[str, Any]] = [
    # --- data governance (1)
    {
        "key": "comite-gobierno-dato",
        "author": "nuria",
        "unit": "datos",
        "title": "Crear un comité de gobierno del dato con reunión mensual",
        "summary": (
            "Un comité transversal que se reúna cada mes para aprobar definiciones de KPIs, "
            "priorizar los problemas de calidad de datos y autorizar accesos a las fuentes."
        ),
        "body": (
            "En el último comité de dirección se presentaron tres cifras distintas de «clientes "
            "activos»: 412.000 (marketing), 388.000 (tiendas) y 455.000 (BI). Nadie estaba "
            "equivocado: cada área usa su propia definición, su propio periodo y su propia fuente, "
            "y nadie tiene la autoridad para fijar una.\n\n"
            "**Propuesta**\n\n"
            "- Crear un comité de gobierno del dato con un representante de marketing, tecnología, "
            "tiendas, atención al cliente y BI, con Datalia como apoyo técnico.\n"
            "- Reunión mensual de 90 minutos para aprobar definiciones de KPIs, priorizar "
            "incidencias de calidad y autorizar accesos a fuentes.\n"
            "- Nuria actúa como secretaria y mantiene el glosario y el registro de incidencias.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Número de KPIs con una definición única aprobada (de 0 a 25 en seis meses) e "
            "incidencias de calidad de datos cerradas por trimestre."
        ),
        "impact": {
            "metric": "KPIs con definición única aprobada",
            "baseline": "0",
            "target": "25",
            "by_days": 180,
        },
        "tags": ["gobierno-del-dato", "kpis"],
        "visibility": "organisation",
        "rule": "unanimity",
        "participants": {
            "lucia": "decider",
            "carmen": "required",
            "javier": "required",
            "raul": "required",
            "pilar": "consulted",
            "hannah": "consulted",
            "diego": "informed",
        },
        "start_days_ago": 190,
        "span_days": 18,
        "deadline_days": 30,
        "language": "es",
        "state": "rejected",
        "steps": [
            {
                "argue": "a1",
                "by": "hannah",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "In the data inventory we did last month we found 14 different fields holding "
                    "an email address across the CRM, the e-commerce platform and the loyalty "
                    "database, in four different formats. Without someone accountable for each "
                    "dataset this only gets worse. A regular forum where the owners meet is the "
                    "minimum to stop the drift."
                ),
            },
            {
                "argue": "a2",
                "by": "raul",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Comparto el problema, pero no la solución. Los gerentes y yo ya tenemos "
                    "cuatro reuniones recurrentes al mes y otra más de 90 minutos es difícil de "
                    "defender. Prefiero saber a quién preguntar cuando una cifra no cuadra que "
                    "esperar a una reunión para que alguien me conteste."
                ),
            },
            {
                "argue": "a3",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Podemos dejarla en 60 minutos y preparar el orden del día de forma asíncrona, "
                    "de modo que en la reunión solo se vote lo que esté maduro. Las incidencias "
                    "urgentes no esperarían al comité: se resolverían por correo entre los "
                    "afectados."
                ),
            },
            {
                "argue": "a4",
                "by": "raul",
                "stance": "against",
                "reply_to": "a3",
                "body": (
                    "El problema no es la duración, es que las decisiones quedan esperando a una "
                    "fecha. Si una definición se atasca un mes, las tiendas siguen con su Excel y "
                    "el comité acaba aprobando algo que ya nadie usa. Necesito un responsable por "
                    "tema que conteste en días, no en semanas."
                ),
            },
            {
                "argue": "a5",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Quién decide cuando marketing y tiendas no se ponen de acuerdo en una "
                    "definición? Por ejemplo, si un cliente que solo compra con tarjeta en tienda "
                    "cuenta como activo. Si el comité vota, los empates van a ser frecuentes."
                ),
            },
            {
                "argue": "a6",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a5",
                "body": (
                    "La idea es que vote el comité y, si hay empate, decida Lucía. En la práctica "
                    "espero pocos empates: la mayoría de discrepancias son de periodo (12 meses "
                    "frente a 6) y se resuelven documentando ambas versiones con nombres distintos."
                ),
            },
            {
                "argue": "a7",
                "by": "carmen",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Estoy de acuerdo con el diagnóstico y con el glosario, pero dudo del formato. "
                    "Quizá funcione mejor un propietario por dominio de datos (cliente, producto, "
                    "ventas, web) que apruebe las definiciones de su ámbito, y reservar las "
                    "reuniones solo para los conflictos reales."
                ),
            },
            {
                "argue": "a8",
                "by": "pilar",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "En atención sufrimos esto con el «contacto resuelto»: nuestro informe de "
                    "calidad y el del proveedor del contact center dan cifras que difieren en 9 "
                    "puntos. Cualquier mecanismo que nos obligue a cerrar una definición nos ayuda."
                ),
            },
            {
                "position": "agree",
                "by": "hannah",
                "reason": "Any forum with named owners is better than what we have today.",
            },
            {
                "position": "agree",
                "by": "pilar",
                "reason": "Necesitamos cerrar definiciones cuanto antes, sea con comité o sin él.",
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Me vale si queda claro quién desempata.",
            },
            {
                "position": "disagree",
                "by": "raul",
                "reason": (
                    "Una reunión mensual retrasa las decisiones; prefiero responsables por tema "
                    "con plazos."
                ),
            },
            {
                "position": "abstain",
                "by": "carmen",
                "reason": (
                    "Comparto el objetivo pero no el formato; creo que hay una alternativa mejor."
                ),
            },
        ],
        "close": {
            "by": "lucia",
            "statement": (
                "Rechazada. Nadie discute el problema: tres cifras de clientes activos en el mismo "
                "comité son inaceptables, y el inventario de Hannah lo confirma. Pero no hay "
                "unanimidad y las objeciones de Raúl son de fondo: una reunión mensual convierte "
                "cada definición en una espera de semanas, cuando lo que necesitamos es "
                "alguien que responda en días. La alternativa de Carmen de propietarios por "
                "dominio conserva el glosario sin añadir reuniones. Pido a Nuria que la "
                "prepare como nueva propuesta."
            ),
            "cites": ["a2", "a4", "a7"],
        },
    },
    # --- checkout A/B test
    {
        "key": "checkout-invitado",
        "author": "marta",
        "unit": "ecommerce",
        "title": "A/B test: compra como invitado en el checkout",
        "summary": (
            "Probar durante cuatro semanas una variante del checkout que permite comprar sin crear "
            "cuenta, ofreciendo la cuenta de forma opcional después del pago."
        ),
        "body": (
            "Hoy el checkout obliga a iniciar sesión o registrarse antes de pagar. Según el embudo "
            "de GA4, el 38 % de las sesiones que llegan al paso de identificación lo abandonan, y "
            "en móvil la cifra sube al 44 %. Las grabaciones de sesión muestran muchos intentos "
            "fallidos de recuperar la contraseña.\n\n"
            "**Propuesta**\n\n"
            "- Test A/B 50/50 en web y móvil: la variante B muestra «Comprar como invitado» junto "
            "al inicio de sesión.\n"
            "- Tras el pago se ofrece crear la cuenta con un clic, usando los datos del pedido.\n"
            "- El resto del checkout no cambia.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Métrica principal: porcentaje de sesiones con carrito que terminan en compra (hoy 31 "
            "%). Secundarias: ticket medio, cuentas creadas después del pago y pedidos marcados "
            "como sospechosos por el antifraude."
        ),
        "impact": {
            "metric": "Sesiones con carrito que terminan en compra",
            "baseline": "31 %",
            "target": "34 %",
            "by_days": 60,
        },
        "tags": ["checkout", "ab-test"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "carmen": "decider",
            "javier": "required",
            "diego": "consulted",
            "oliver": "consulted",
            "rosa": "consulted",
            "pablo": "informed",
        },
        "start_days_ago": 175,
        "span_days": 14,
        "deadline_days": 21,
        "language": "es",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "oliver",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Guest checkout is one of the most consistent wins I have seen in retail "
                    "tests: usually a 5-10 % relative uplift in checkout completion. With roughly "
                    "9,000 checkout starts per week we can detect a 3-point change in about three "
                    "weeks at 80 % power."
                ),
            },
            {
                "argue": "a2",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Qué pasa con el fraude? Nuestro proveedor antifraude puntúa mucho la "
                    "antigüedad de la cuenta y un pedido de invitado llega sin historial. ¿Tenemos "
                    "una estimación de cuántos pedidos más irían a revisión manual?"
                ),
            },
            {
                "argue": "a3",
                "by": "marta",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "He hablado con el proveedor: puede puntuar por email, tarjeta y dirección "
                    "aunque no haya cuenta. Como precaución, propongo limitar la compra como "
                    "invitado a pedidos de menos de 300 €, que son el 94 % de los pedidos. Por "
                    "encima de esa cifra se pedirá cuenta, como ahora."
                ),
            },
            {
                "argue": "a4",
                "by": "rosa",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Desde protección de datos: si después del pago ofrecemos crear la cuenta, la "
                    "casilla de comunicaciones comerciales no puede venir marcada, y el email del "
                    "invitado solo puede usarse para gestionar el pedido salvo que consienta otra "
                    "cosa. Hay que revisar también el texto informativo del paso de invitado."
                ),
            },
            {
                "argue": "a5",
                "by": "diego",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "No me opongo al test, sí al calendario. Si arranca ahora, las cuatro semanas "
                    "se solapan con la campaña previa a Black Friday y la mezcla de tráfico cambia "
                    "mucho: más tráfico de pago y más compradores nuevos. El resultado no sería "
                    "extrapolable al resto del año."
                ),
            },
            {
                "argue": "a6",
                "by": "oliver",
                "stance": "for",
                "reply_to": "a5",
                "body": (
                    "Agree with Diego. Let's run four full weeks ending at least ten days before "
                    "Black Friday, or start right after it. Two complete weekly cycles at the very "
                    "minimum, and no stopping early because a dashboard turns green."
                ),
            },
            {
                "revise": {
                    "body": (
                        "Hoy el checkout obliga a iniciar sesión o registrarse antes de pagar. "
                        "Según el embudo de GA4, el 38 % de las sesiones que llegan al paso de "
                        "identificación lo abandonan, y en móvil la cifra sube al 44 %. Las "
                        "grabaciones de sesión muestran muchos intentos fallidos de recuperar la "
                        "contraseña.\n\n"
                        "**Propuesta**\n\n"
                        "- Test A/B 50/50 en web y móvil: la variante B muestra «Comprar como "
                        "invitado» junto al inicio de sesión.\n"
                        "- Tras el pago se ofrece crear la cuenta con un clic, usando los datos "
                        "del pedido.\n"
                        "- El resto del checkout no cambia.\n\n"
                        "**Condiciones**\n\n"
                        "- Compra como invitado solo en pedidos de menos de 300 €; el antifraude "
                        "puntúa por email, tarjeta y dirección.\n"
                        "- Casilla de comunicaciones comerciales sin marcar y texto informativo "
                        "revisado por protección de datos.\n"
                        "- Cuatro semanas completas, fuera del periodo de Black Friday, sin parar "
                        "antes de tiempo.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Métrica principal: porcentaje de sesiones con carrito que terminan en "
                        "compra (hoy 31 %). Secundarias: ticket medio, cuentas creadas después del "
                        "pago y pedidos marcados como sospechosos por el antifraude."
                    ),
                },
                "by": "marta",
                "note": (
                    "Añado las condiciones que han salido del debate: límite de 300 € para "
                    "invitados (Javier y mi respuesta), consentimiento comercial sin marcar y "
                    "texto informativo revisado (Rosa), y un calendario de cuatro semanas "
                    "completas fuera de Black Friday (Diego y Oliver)."
                ),
            },
            {
                "argue": "a7",
                "by": "pablo",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Para medirlo bien necesitamos dos eventos nuevos en la capa de datos: "
                    "`checkout_guest` al elegir la opción y `account_created_post_purchase` tras "
                    "el pago. Los dejo especificados esta semana para que entren en la misma "
                    "release que el test."
                ),
            },
            {
                "edit": "a1",
                "by": "oliver",
                "body": (
                    "Guest checkout is one of the most consistent wins I have seen in retail "
                    "tests: usually a 5-10 % relative uplift in checkout completion. With roughly "
                    "7,500 checkout starts per week (I had used the Black Friday week by mistake) "
                    "we can detect a 3-point change in about four weeks at 80 % power."
                ),
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": (
                    "Con el límite de 300 € y la puntuación sin cuenta, el riesgo de fraude está "
                    "acotado."
                ),
            },
            {
                "position": "agree",
                "by": "rosa",
                "reason": "Las condiciones de consentimiento están recogidas en la propuesta.",
            },
            {
                "position": "agree",
                "by": "diego",
                "reason": "Con el calendario fuera de Black Friday, adelante.",
            },
            {
                "position": "agree",
                "by": "oliver",
                "reason": "Well-designed test with a clear primary metric.",
            },
        ],
        "close": {
            "by": "carmen",
            "statement": (
                "Aceptada. El abandono del 38 % en el paso de identificación justifica probarlo, y "
                "el riesgo principal quedó acotado: el antifraude puede puntuar sin cuenta y "
                "limitamos los invitados a pedidos de menos de 300 €. Incorporamos las "
                "condiciones de Rosa sobre el consentimiento comercial y el calendario que "
                "propusieron Diego y Oliver, cuatro semanas completas fuera de Black Friday, "
                "para que el resultado sea representativo. Marta lanza el test cuando estén "
                "listos los eventos de Pablo."
            ),
            "cites": ["a3", "a4", "a5", "a6"],
        },
    },
    # --- attribution (rejected)
    {
        "key": "attribution-data-driven",
        "author": "oliver",
        "unit": "marketing",
        "title": "Switch channel budgeting to data-driven attribution",
        "summary": (
            "Stop allocating channel budgets on last-click revenue and use the GA4 data-driven "
            "attribution model from next month."
        ),
        "body": (
            "Last-click attribution currently gives 61 % of online revenue to brand search and "
            "direct traffic. Those channels mostly harvest demand created elsewhere: email, paid "
            "social and affiliates look far less profitable than they are, and their budgets have "
            "been cut two quarters in a row.\n\n"
            "**Proposal**\n\n"
            "- From next month, channel budgets and ROAS targets are based on the GA4 data-driven "
            "model.\n"
            "- Last-click remains available in reports, for reference only.\n"
            "- Datalia documents the most common conversion paths every month, so the model is not "
            "a black box.\n\n"
            "**How we will measure it**\n\n"
            "Re-estimated ROAS per channel, share of budget reallocated (we expect around 10 %) "
            "and online revenue per euro of media spend, compared with the same quarter last year."
        ),
        "impact": {
            "metric": "Online revenue per euro of media spend",
            "baseline": "7.4 €",
            "target": "8.0 €",
            "by_days": 120,
        },
        "tags": ["atribucion", "campanas"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "carmen": "decider",
            "diego": "required",
            "marta": "required",
            "nuria": "consulted",
            "ana": "consulted",
            "pablo": "consulted",
        },
        "start_days_ago": 160,
        "span_days": 15,
        "deadline_days": 21,
        "language": "en",
        "state": "rejected",
        "steps": [
            {
                "argue": "a1",
                "by": "diego",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "I have two problems with this. The data-driven model is hard to explain to "
                    "finance: we cannot show why a channel got a given credit. And with only 58 % "
                    "of visitors accepting analytics cookies, the model is trained on a biased "
                    "sample of people who accept everything, who are not our average customer."
                ),
            },
            {
                "argue": "a2",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "Fair point on explainability. But last-click is also a model, just a very bad "
                    "one that nobody questions because it is simple. The consent bias affects both "
                    "models equally; at least data-driven uses the paths we do observe."
                ),
            },
            {
                "argue": "a3",
                "by": "marta",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "The next few weeks bring Black Friday, Christmas and the sales. Changing the "
                    "basis for budgets in the middle of the peak means we lose year-on-year "
                    "comparability exactly when we need it most, and we would be moving money on a "
                    "model we have never validated."
                ),
            },
            {
                "argue": "a4",
                "by": "nuria",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "Does the data-driven model see store sales at all? About 70 % of our revenue "
                    "is made in stores, and a good part of it is influenced by email and social "
                    "campaigns."
                ),
            },
            {
                "argue": "a5",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "No, online conversions only. Including store sales would need customer "
                    "matching between loyalty card and online identities, which we don't have yet."
                ),
            },
            {
                "argue": "a6",
                "by": "pablo",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "We ran both models in parallel for the last three months. Data-driven gives "
                    "email 18 % more credit, paid social 34 % more and brand search 22 % less. The "
                    "differences are large enough that budgets are probably misallocated today."
                ),
            },
            {
                "argue": "a7",
                "by": "ana",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "This is also about reporting maturity. Other retail clients of ours made this "
                    "move in the last year, and their conversations with media agencies became "
                    "much more productive once they stopped arguing about last-click."
                ),
            },
            {
                "argue": "a8",
                "by": "carmen",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "The numbers in Pablo's parallel run are interesting, but I would not move "
                    "money before seeing both models side by side for a few months, with Diego's "
                    "team able to explain the gaps channel by channel."
                ),
            },
            {
                "position": "disagree",
                "by": "diego",
                "reason": "Explainability and consent bias are not solved.",
            },
            {"position": "disagree", "by": "marta", "reason": "Not right before the peak season."},
            {
                "position": "disagree",
                "by": "nuria",
                "reason": "Without store sales it optimises less than a third of the business.",
            },
            {
                "position": "agree",
                "by": "ana",
                "reason": "The parallel run shows real misallocation.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "The gaps between models are too large to ignore.",
            },
            {
                "position": "abstain",
                "by": "carmen",
                "reason": "I want evidence before moving budgets.",
            },
        ],
        "close": {
            "by": "carmen",
            "statement": (
                "Rejected by majority. The parallel run shows the gaps are real, but moving "
                "budgets on an unvalidated model in the middle of the peak season would cost us "
                "year-on-year comparability, the model is hard to explain and trained only on "
                "the 58 % of consenting visitors, and it ignores the 70 % of revenue made in "
                "stores. Diego will propose a dual report so we can validate data-driven "
                "attribution before any money moves."
            ),
            "cites": ["a1", "a3", "a4", "a6"],
        },
    },
    # --- in-store screens (draft, withdrawn)
    {
        "key": "pantallas-tienda",
        "author": "ana",
        "unit": "tiendas",
        "title": "Pantallas digitales en tienda con ofertas segmentadas",
        "summary": (
            "Instalar pantallas en la entrada de diez tiendas piloto que muestren ofertas "
            "distintas según la zona y la hora del día."
        ),
        "body": (
            "La cartelería de tienda se cambia una vez por campaña y es igual en todas las "
            "tiendas, aunque la clientela de un centro comercial un martes por la mañana no se "
            "parece a la de una calle comercial un sábado por la tarde.\n\n"
            "**Propuesta**\n\n"
            "- Pantallas en la entrada de diez tiendas piloto, gestionadas desde una plataforma "
            "central.\n"
            "- Contenidos distintos por franja horaria y tipo de tienda, alineados con la campaña "
            "vigente.\n"
            "- Datalia analiza las ventas de los productos anunciados frente a tiendas sin "
            "pantalla.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Ventas de los productos anunciados en las tiendas piloto frente a tiendas comparables "
            "durante tres meses."
        ),
        "impact": {
            "metric": "Ventas de productos anunciados en pantalla",
            "baseline": "sin medir",
            "target": "+8 % frente a tiendas comparables",
            "by_days": 90,
        },
        "tags": ["tiendas", "omnicanal"],
        "visibility": "participants",
        "rule": "decider",
        "participants": {"raul": "decider", "lucia": "consulted"},
        "start_days_ago": 150,
        "span_days": 6,
        "deadline_days": 30,
        "language": "es",
        "state": "withdrawn",
        "withdrawn_from": "draft",
        "steps": [],
        "close": {
            "by": "ana",
            "statement": (
                "La retiro antes de abrirla: el presupuesto de equipamiento de tiendas de este año "
                "ya está comprometido y, sin identificar a los clientes en tienda, la segmentación "
                "sería solo por zona y hora. La retomaré cuando exista una vista única de cliente."
            ),
        },
    },
    # --- data governance (2)
    {
        "key": "propietarios-dato",
        "author": "nuria",
        "unit": "datos",
        "title": "Propietarios del dato por dominio y glosario único de KPIs",
        "summary": (
            "Sustituir la idea del comité por un propietario por dominio de datos que aprueba, de "
            "forma asíncrona y en plazo, las definiciones de su ámbito en un glosario común."
        ),
        "body": (
            "La propuesta del comité de gobierno del dato se rechazó porque añadía reuniones y "
            "retrasaba decisiones. El problema sigue ahí: tres cifras de clientes activos y dos "
            "definiciones de «contacto resuelto».\n\n"
            "**Propuesta**\n\n"
            "- Cinco dominios, cada uno con un propietario: cliente (Carmen), ventas en tienda "
            "(Raúl), web y app (Diego), atención (Pilar) y plataforma de datos (Javier, solo en la "
            "parte técnica).\n"
            "- Cada KPI del glosario tiene definición, fórmula, fuente, propietario y fecha de "
            "revisión.\n"
            "- BI redacta el borrador y el propietario lo aprueba o lo corrige en un máximo de 5 "
            "días laborables. Si hay conflicto entre dominios, decide Lucía.\n"
            "- Empezamos por los 25 KPIs del informe de dirección.\n\n"
            "**Cómo lo mediremos**\n\n"
            "KPIs aprobados (objetivo: los 25 en tres meses) y discrepancias de cifras detectadas "
            "en el comité de dirección."
        ),
        "impact": {
            "metric": "KPIs del informe de dirección con definición aprobada",
            "baseline": "0 de 25",
            "target": "25 de 25",
            "by_days": 90,
        },
        "tags": ["gobierno-del-dato", "kpis"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "lucia": "decider",
            "carmen": "required",
            "raul": "required",
            "javier": "required",
            "pilar": "required",
            "diego": "consulted",
            "hannah": "consulted",
            "pablo": "informed",
        },
        "start_days_ago": 148,
        "span_days": 16,
        "deadline_days": 25,
        "language": "es",
        "state": "accepted",
        "supersedes": "comite-gobierno-dato",
        "steps": [
            {
                "argue": "a1",
                "by": "raul",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Esto sí me sirve: sé a quién preguntar y tengo un plazo. Asumo «ventas en "
                    "tienda», con una condición: que el primer borrador de cada definición lo "
                    "escriba el equipo de Nuria. Mi equipo sabe qué significa cada cifra, pero no "
                    "tiene tiempo de redactar fichas."
                ),
            },
            {
                "argue": "a2",
                "by": "hannah",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "I'd keep the glossary in the data catalogue rather than in a spreadsheet, "
                    "with one page per KPI: business definition, SQL, source tables, owner, "
                    "refresh frequency and known caveats. I can share the template we use with "
                    "other clients; it takes about 30 minutes per KPI once the definition is "
                    "agreed."
                ),
            },
            {
                "argue": "a3",
                "by": "diego",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Quién es el propietario de un KPI que cruza dominios? «Cliente activo» usa "
                    "compras web y compras con tarjeta en tienda. Si tienen que aprobarlo dos "
                    "propietarios, volvemos a tener esperas."
                ),
            },
            {
                "argue": "a4",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "Los KPIs transversales son del dominio cliente, es decir, de Carmen. Debe "
                    "consultar a los demás propietarios afectados, pero decide ella. Así cada KPI "
                    "tiene un único responsable y no hay dobles aprobaciones."
                ),
            },
            {
                "argue": "a5",
                "by": "carmen",
                "stance": "for",
                "reply_to": "a4",
                "body": (
                    "Acepto el dominio cliente y los KPIs transversales. Pido un ajuste: 5 días "
                    "laborables es poco entre Black Friday y Reyes, cuando marketing está "
                    "desbordado con campañas. En ese periodo propongo 10 días."
                ),
            },
            {
                "revise": {
                    "body": (
                        "La propuesta del comité de gobierno del dato se rechazó porque añadía "
                        "reuniones y retrasaba decisiones. El problema sigue ahí: tres cifras de "
                        "clientes activos y dos definiciones de «contacto resuelto».\n\n"
                        "**Propuesta**\n\n"
                        "- Cinco dominios, cada uno con un propietario: cliente (Carmen), ventas "
                        "en tienda (Raúl), web y app (Diego), atención (Pilar) y plataforma de "
                        "datos (Javier, solo en la parte técnica).\n"
                        "- Los KPIs que cruzan dominios pertenecen al dominio cliente, que "
                        "consulta a los demás propietarios.\n"
                        "- Cada KPI tiene una ficha en el catálogo de datos: definición, SQL, "
                        "fuentes, propietario, frecuencia y advertencias.\n"
                        "- BI redacta el borrador y el propietario lo aprueba o lo corrige en 5 "
                        "días laborables (10 entre Black Friday y Reyes). Si hay conflicto, decide "
                        "Lucía.\n"
                        "- Empezamos por los 25 KPIs del informe de dirección.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "KPIs aprobados (objetivo: los 25 en tres meses) y discrepancias de cifras "
                        "detectadas en el comité de dirección."
                    ),
                },
                "by": "nuria",
                "note": (
                    "Incorporo lo acordado en el debate: los KPIs transversales son del dominio "
                    "cliente, el plazo pasa a 10 días laborables entre Black Friday y "
                    "Reyes, BI escribe los borradores y el glosario vive en el catálogo "
                    "de datos con la plantilla de Hannah."
                ),
            },
            {
                "argue": "a6",
                "by": "pilar",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "En atención empezaremos por «contacto resuelto» y «resolución en primer "
                    "contacto», que son las dos cifras que más discusiones generan con el "
                    "proveedor del contact center. Con un propietario y un plazo, esto se cierra "
                    "en dos semanas."
                ),
            },
            {
                "argue": "a7",
                "by": "javier",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Para que quede claro: tecnología no es propietaria de definiciones de "
                    "negocio, sino de los procesos de carga y de la calidad técnica, es decir, "
                    "frescura y completitud de los datos. Me parece bien que el glosario lo "
                    "refleje así."
                ),
            },
            {
                "position": "agree",
                "by": "raul",
                "reason": (
                    "Con borradores de BI y plazo claro, asumo el dominio de ventas en tienda."
                ),
            },
            {
                "position": "agree",
                "by": "carmen",
                "reason": "Con el plazo ampliado en campaña, de acuerdo.",
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Queda clara la separación entre negocio y plataforma.",
            },
            {
                "position": "agree",
                "by": "pilar",
                "reason": "Nos permite cerrar las definiciones de atención.",
            },
            {
                "position": "agree",
                "by": "hannah",
                "reason": "Clear ownership, and the catalogue keeps it maintainable.",
            },
            {
                "position": "agree",
                "by": "diego",
                "reason": "Resuelta mi duda sobre los KPIs transversales.",
            },
        ],
        "close": {
            "by": "lucia",
            "statement": (
                "Aceptada por consentimiento, sin bloqueos. Resuelve lo que hizo fracasar el "
                "comité: cada KPI tiene un único responsable y un plazo, sin reuniones nuevas "
                ". La regla de que los KPIs transversales pertenecen al dominio cliente "
                "evita las dobles aprobaciones que temía Diego, y el plazo ampliado en campaña "
                " hace el compromiso realista. Empezamos por los 25 KPIs del informe de "
                "dirección y revisaremos el avance dentro de tres meses."
            ),
            "cites": ["a1", "a4", "a5"],
        },
    },
    # --- NPS detractor alerts (rich)
    {
        "key": "alertas-detractores",
        "author": "pilar",
        "unit": "atencion",
        "title": "Alertas de detractores NPS al gerente de tienda y a su jefe de zona",
        "summary": (
            "Cuando un cliente puntúe de 0 a 6 en la encuesta NPS posterior a la compra, el CRM "
            "avisará al gerente de su tienda y, en copia, a su jefe de zona, para contactarle y "
            "registrar la resolución."
        ),
        "body": (
            "Recibimos unas 4.200 encuestas NPS al mes y el 22 % son detractores, unos 920 "
            "clientes. Hoy esas respuestas solo se leen en el informe mensual: nadie contacta con "
            "el cliente y las tiendas no saben qué se dice de ellas hasta que la queja aparece en "
            "Google o en redes.\n\n"
            "**Propuesta**\n\n"
            "- Cada respuesta de 0 a 6 genera una alerta en el CRM para el gerente de la tienda "
            "donde se hizo la compra, con el comentario del cliente.\n"
            "- El jefe de zona recibe copia de cada alerta para hacer seguimiento.\n"
            "- El gerente contacta al cliente en 48 horas y registra el motivo y la solución.\n"
            "- Un panel muestra las alertas abiertas, contactadas y resueltas por tienda y "
            "zona.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Porcentaje de detractores contactados en 48 horas (objetivo: 80 % a los tres meses), "
            "tasa de recompra a 90 días de los detractores contactados y evolución del NPS por "
            "tienda."
        ),
        "impact": {
            "metric": "Detractores contactados en 48 horas",
            "baseline": "0 %",
            "target": "80 %",
            "by_days": 90,
        },
        "tags": ["nps", "crm", "cierre-del-ciclo"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "lucia": "decider",
            "raul": "required",
            "rosa": "required",
            "javier": "required",
            "ines": "consulted",
            "nuria": "consulted",
            "pablo": "consulted",
            "ana": "consulted",
            "elena": "informed",
            "diego": "informed",
        },
        "start_days_ago": 135,
        "span_days": 30,
        "deadline_days": 35,
        "language": "es",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "ines",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Como jefa de zona lo necesito. Hoy me entero de las quejas graves cuando ya "
                    "están en Google o en redes, y para entonces el cliente ha contado su "
                    "experiencia a mucha gente. Con la alerta puedo ver qué tiendas acumulan "
                    "detractores y por qué, y ayudar al gerente antes de que sea un problema."
                ),
            },
            {
                "argue": "a2",
                "by": "raul",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Me preocupa la carga. Son 92 tiendas y unos 10 detractores por tienda al mes, "
                    "pero concentrados en las grandes: Valencia Centro tendría más de 30. Un "
                    "gerente con tres personas en turno un sábado no puede ponerse a llamar "
                    "clientes. Y si la alerta no se atiende, el cliente queda peor que si no le "
                    "hubiéramos preguntado."
                ),
            },
            {
                "argue": "a3",
                "by": "pilar",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Diez al mes son dos o tres a la semana por tienda, y una llamada de este tipo "
                    "dura unos cinco minutos. Tampoco tiene que hacerse en sábado: el plazo es de "
                    "48 horas."
                ),
            },
            {
                "argue": "a4",
                "by": "raul",
                "stance": "against",
                "reply_to": "a3",
                "body": (
                    "La llamada son cinco minutos; buscar el ticket, entender qué pasó, hablar con "
                    "el empleado y gestionar un cambio o un abono son veinte. Y en rebajas el "
                    "volumen de encuestas se duplica. No digo que no, digo que el cálculo de "
                    "tiempo está hecho desde una oficina."
                ),
            },
            {
                "position": "disagree",
                "by": "raul",
                "reason": (
                    "Con el volumen actual y sin ningún filtro, la carga para las tiendas grandes "
                    "no es asumible."
                ),
            },
            {
                "argue": "a5",
                "by": "elena",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "Una parte se puede quitar de las tiendas. En la muestra del último mes, el 40 "
                    "% de los comentarios de detractores hablaba de pedidos online, entregas o "
                    "devoluciones web, no de la tienda. Esos casos los puede llamar el contact "
                    "center, que ya tiene acceso a los pedidos. A la tienda le llegaría solo lo "
                    "que es de la tienda."
                ),
            },
            {
                "argue": "a6",
                "by": "rosa",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Tal como está, no puede salir. El aviso de privacidad de la encuesta dice que "
                    "las respuestas se usan «para mejorar nuestro servicio» de forma agregada; no "
                    "informa de que personal de tienda verá la respuesta identificada ni de que se "
                    "contactará al cliente. Además, los comentarios libres a veces incluyen datos "
                    "de salud o familiares que no deben circular en una alerta."
                ),
            },
            {
                "argue": "a7",
                "by": "pilar",
                "stance": "question",
                "reply_to": "a6",
                "body": (
                    "¿Bastaría con cambiar el texto de la encuesta para las respuestas nuevas? ¿Y "
                    "qué hacemos con las encuestas que ya tenemos de los últimos meses?"
                ),
            },
            {
                "argue": "a8",
                "by": "rosa",
                "stance": "comment",
                "reply_to": "a7",
                "body": (
                    "Para las nuevas, sí: texto informativo revisado y una casilla explícita de "
                    "«quiero que me contacten». Las respuestas anteriores no se pueden usar para "
                    "contactar. En la alerta, solo los datos necesarios para la llamada; el "
                    "comentario completo se consulta en el CRM con acceso registrado."
                ),
            },
            {
                "position": "block",
                "by": "rosa",
                "reason": (
                    "Bloqueo hasta que la propuesta incluya el consentimiento de contacto y limite "
                    "los datos que viajan en la alerta."
                ),
            },
            {
                "argue": "a9",
                "by": "pablo",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Un dato para dimensionar: en otros clientes con casilla de contacto, entre el "
                    "55 % y el 65 % de los detractores la marca. Con el triaje de Elena, a las "
                    "tiendas les llegarían unas 330 alertas al mes en total, unas 3,5 por tienda. "
                    "Las grandes tendrían 10 o 12."
                ),
            },
            {
                "argue": "a10",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "Técnicamente, la herramienta de encuestas puede mandar un webhook al CRM y "
                    "eso es sencillo. La pregunta es de dónde sale la relación tienda, gerente y "
                    "jefe de zona: hoy vive en un Excel de RRHH que se actualiza cuando alguien se "
                    "acuerda. Si la alerta va a un gerente que ya no está, no sirve."
                ),
            },
            {
                "argue": "a11",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a10",
                "body": (
                    "El maestro de tiendas ya está en el almacén de datos con código de tienda, "
                    "zona y dirección. Puedo añadir gerente y jefe de zona y exponerlo al CRM, "
                    "pero alguien de tiendas tiene que mantenerlo al día."
                ),
            },
            {
                "argue": "a12",
                "by": "raul",
                "stance": "comment",
                "reply_to": "a11",
                "body": (
                    "Tiendas lo mantiene. Mi equipo de operaciones lo revisará cada lunes, "
                    "coincidiendo con el cierre de cuadrantes de turnos, que es cuando conocemos "
                    "los cambios de gerente."
                ),
            },
            {
                "revise": {
                    "summary": (
                        "Cuando un cliente puntúe de 0 a 6 en la encuesta NPS y pida que le "
                        "contactemos, el CRM avisará al gerente de su tienda o al contact center "
                        "según el motivo, con copia al jefe de zona."
                    ),
                    "body": (
                        "Recibimos unas 4.200 encuestas NPS al mes y el 22 % son detractores, unos "
                        "920 clientes. Hoy esas respuestas solo se leen en el informe mensual: "
                        "nadie contacta con el cliente y las tiendas no saben qué se dice de ellas "
                        "hasta que la queja aparece en Google o en redes.\n\n"
                        "**Propuesta (versión 2)**\n\n"
                        "- La encuesta incluye una casilla «quiero que me contacten» y un aviso de "
                        "privacidad revisado. Solo se generan alertas para detractores que la "
                        "marquen.\n"
                        "- Triaje automático: si el motivo es un pedido online, una entrega o una "
                        "devolución web, la alerta va al contact center; si es de la tienda, al "
                        "gerente.\n"
                        "- La alerta contiene solo nombre, teléfono, tienda, puntuación y motivo; "
                        "el comentario completo se consulta en el CRM con acceso registrado.\n"
                        "- Plazo de contacto: 48 horas laborables; 72 horas en rebajas y Black "
                        "Friday.\n"
                        "- El jefe de zona recibe copia de cada alerta de su zona.\n"
                        "- Tiendas mantiene cada semana el maestro de tiendas con gerente y jefe "
                        "de zona, que BI expone al CRM.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Porcentaje de detractores contactados en plazo (objetivo: 80 % a los tres "
                        "meses), tasa de recompra a 90 días de los detractores contactados y "
                        "evolución del NPS por tienda."
                    ),
                },
                "by": "pilar",
                "note": (
                    "Versión 2. Recojo el bloqueo de Rosa: solo alertas de detractores "
                    "que pidan contacto, aviso de privacidad revisado y datos mínimos en la "
                    "alerta. Incorporo el triaje de Elena, que reduce la carga de las "
                    "tiendas, y el plazo ampliado en campañas que pedía Raúl. El maestro de "
                    "tiendas lo mantiene tiendas y lo expone BI."
                ),
            },
            {
                "position": "agree",
                "by": "rosa",
                "reason": (
                    "Con la casilla de contacto y la alerta limitada a datos mínimos, levanto el "
                    "bloqueo."
                ),
            },
            {
                "argue": "a13",
                "by": "ana",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Es lo que hacen las empresas con programas maduros de experiencia: el "
                    "responsable recibe el aviso y el jefe del área lo ve para acompañar el "
                    "proceso. Una sugerencia: en lugar de copiar cada alerta al jefe de zona, que "
                    "reciba solo las que no se hayan contactado en 48 horas. Con 14 tiendas, Inés "
                    "recibiría decenas de correos a la semana."
                ),
            },
            {
                "argue": "a14",
                "by": "ines",
                "stance": "against",
                "reply_to": "a13",
                "body": (
                    "Prefiero verlas todas, no solo los incumplimientos. Lo que me interesa es el "
                    "patrón: si en una tienda se repiten quejas sobre probadores o colas, quiero "
                    "saberlo aunque el gerente llame a tiempo. Lo que no quiero es un correo por "
                    "alerta."
                ),
            },
            {
                "argue": "a15",
                "by": "ana",
                "stance": "comment",
                "reply_to": "a14",
                "body": (
                    "Entonces, un resumen diario para el jefe de zona con todas las alertas de su "
                    "zona y un aviso inmediato solo cuando una alerta vence sin contacto o la "
                    "puntuación es muy baja. Así tienes el patrón sin el ruido."
                ),
            },
            {
                "argue": "a16",
                "by": "diego",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Para saber si llamar a los detractores mejora la recompra necesitaríamos un "
                    "grupo de control, por ejemplo un 10 % de alertas que no se contacten. Si no, "
                    "cualquier mejora se mezclará con la estacionalidad y no sabremos qué parte se "
                    "debe a las llamadas."
                ),
            },
            {
                "argue": "a17",
                "by": "pilar",
                "stance": "against",
                "reply_to": "a16",
                "body": (
                    "No voy a dejar sin llamar a un cliente que nos ha pedido que le llamemos. "
                    "Podemos comparar con el periodo anterior y con las zonas que todavía no "
                    "tengan el sistema si lo desplegamos por fases."
                ),
            },
            {
                "argue": "a18",
                "by": "rosa",
                "stance": "comment",
                "reply_to": "a16",
                "body": (
                    "Además, con la casilla de contacto marcada, no llamar a propósito sería "
                    "incumplir lo que le hemos dicho al cliente en el propio formulario. El grupo "
                    "de control no es una opción en este caso."
                ),
            },
            {
                "argue": "a19",
                "by": "javier",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Con el webhook y el maestro de tiendas expuesto, son dos sprints. Propongo "
                    "empezar con un piloto en la zona Levante, las 14 tiendas de Inés, y desplegar "
                    "al resto cuando veamos la carga real. Eso además da a Diego la comparación "
                    "por zonas que pedía."
                ),
            },
            {
                "revise": {
                    "body": (
                        "Recibimos unas 4.200 encuestas NPS al mes y el 22 % son detractores, unos "
                        "920 clientes. Hoy esas respuestas solo se leen en el informe mensual: "
                        "nadie contacta con el cliente y las tiendas no saben qué se dice de ellas "
                        "hasta que la queja aparece en Google o en redes.\n\n"
                        "**Propuesta (versión 3)**\n\n"
                        "- La encuesta incluye una casilla «quiero que me contacten» y un aviso de "
                        "privacidad revisado. Solo se generan alertas para detractores que la "
                        "marquen.\n"
                        "- Triaje automático: pedidos online, entregas y devoluciones web van al "
                        "contact center; lo demás, al gerente de la tienda.\n"
                        "- La alerta contiene solo nombre, teléfono, tienda, puntuación y motivo.\n"
                        "- Plazo de contacto: 48 horas laborables; 72 horas en rebajas y Black "
                        "Friday.\n"
                        "- El jefe de zona recibe un resumen diario de las alertas de su zona y un "
                        "aviso inmediato solo si una alerta vence sin contacto o la puntuación es "
                        "de 0 a 2.\n"
                        "- Piloto de seis semanas en la zona Levante (14 tiendas) antes de "
                        "extenderlo a las 92 tiendas.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Detractores contactados en plazo (objetivo: 80 %), tiempo real dedicado "
                        "por caso en tienda y recompra a 90 días, comparando Levante con su "
                        "periodo anterior y con zonas similares sin el sistema."
                    ),
                },
                "by": "pilar",
                "note": (
                    "Versión 3. Piloto de seis semanas en Levante antes del despliegue, que "
                    "sirve de comparación frente a otras zonas en lugar de un grupo de control "
                    ". El jefe de zona recibe un resumen diario y avisos inmediatos "
                    "solo para alertas vencidas o puntuaciones de 0 a 2."
                ),
            },
            {
                "argue": "a20",
                "by": "raul",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Con el triaje, el piloto y el resumen diario, la carga queda en tres o cuatro "
                    "alertas por semana en las tiendas grandes. Lo apoyo, y pediré a los gerentes "
                    "de Levante que registren el tiempo real que les lleva cada caso para decidir "
                    "el despliegue con datos."
                ),
            },
            {
                "position": "agree",
                "by": "raul",
                "reason": "Con triaje y piloto, la carga es asumible y la mediremos.",
            },
            {
                "position": "agree",
                "by": "ines",
                "reason": "El resumen diario me da el patrón por tienda que necesito.",
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Dos sprints, y el maestro de tiendas queda resuelto.",
            },
            {
                "position": "agree",
                "by": "nuria",
                "reason": "Expongo el maestro de tiendas al CRM antes del piloto.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "El piloto permite medir el efecto sin grupo de control.",
            },
            {
                "position": "agree",
                "by": "ana",
                "reason": "Buen equilibrio entre seguimiento y ruido.",
            },
        ],
        "close": {
            "by": "lucia",
            "statement": (
                "Aceptada. El debate ha mejorado mucho la propuesta. El bloqueo de Rosa se "
                "resolvió con la casilla de contacto y datos mínimos en la alerta; el triaje al "
                "contact center y el cálculo de Pablo dejan la carga en tres o cuatro "
                "alertas semanales por tienda grande, que era la objeción de Raúl. El resumen "
                "diario para el jefe de zona da el patrón sin ruido, y el piloto en "
                "Levante nos da una comparación honesta sin dejar de llamar a nadie. "
                "Revisaremos los resultados al final del piloto."
            ),
            "cites": ["a5", "a8", "a9", "a14", "a15", "a19"],
        },
    },
    # --- chatbot (abandoned)
    {
        "key": "chatbot-web",
        "author": "javier",
        "unit": "tecnologia",
        "title": "Chatbot en la web para consultas sobre el estado del pedido",
        "summary": (
            "Un asistente en la web y la app que responda «¿dónde está mi pedido?» con el número "
            "de pedido y el email, y pase a un agente cuando no sepa resolver."
        ),
        "body": (
            "El 31 % de los contactos que recibe el contact center, unos 5.600 al mes, son "
            "preguntas sobre el estado de un pedido online. Cada contacto nos cuesta 3,80 € y en "
            "diciembre se acumulan hasta generar esperas de más de diez minutos.\n\n"
            "**Propuesta**\n\n"
            "- Un chatbot en la web y la app, de un proveedor SaaS, integrado con el sistema de "
            "pedidos y el seguimiento de los transportistas.\n"
            "- El cliente se identifica con número de pedido y email y recibe el estado y el "
            "enlace de seguimiento.\n"
            "- En horario de atención, traspaso a un agente con el historial del chat; fuera de "
            "horario, creación de ticket.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Contactos sobre estado de pedido al contact center (objetivo: 40 % menos en cuatro "
            "meses) y satisfacción de los clientes atendidos por el chatbot."
        ),
        "impact": {
            "metric": "Contactos sobre estado de pedido al contact center",
            "baseline": "5.600 al mes",
            "target": "3.400 al mes",
            "by_days": 120,
        },
        "tags": ["atencion-al-cliente", "omnicanal"],
        "visibility": "organisation",
        "rule": "decider",
        "participants": {
            "carmen": "decider",
            "pilar": "required",
            "marta": "consulted",
            "elena": "consulted",
            "rosa": "consulted",
        },
        "start_days_ago": 130,
        "span_days": 32,
        "deadline_days": 34,
        "language": "es",
        "state": "abandoned",
        "steps": [
            {
                "argue": "a1",
                "by": "elena",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Son los contactos más repetitivos y los que más desgastan al equipo en "
                    "diciembre: el agente abre el pedido, copia el número de seguimiento y se lo "
                    "lee al cliente. Si el bot lo resuelve, los agentes pueden dedicarse a "
                    "incidencias reales."
                ),
            },
            {
                "argue": "a2",
                "by": "pilar",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Qué pasa fuera de horario? Si el bot no sabe resolver a las once de la noche "
                    "y dice «le paso con un agente», el cliente se queda esperando a nadie y la "
                    "frustración es mayor que sin bot."
                ),
            },
            {
                "argue": "a3",
                "by": "javier",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Fuera de horario el bot no ofrece agente: crea un ticket con la conversación "
                    "y le dice al cliente cuándo le contestaremos. En horario, el traspaso es "
                    "directo y el agente recibe todo el historial del chat."
                ),
            },
            {
                "argue": "a4",
                "by": "marta",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Antes de un chatbot, revisaría por qué preguntan. Los emails de envío no "
                    "incluyen el enlace de seguimiento del transportista y la página «Mis pedidos» "
                    "solo muestra «En preparación» hasta la entrega. Arreglar eso cuesta mucho "
                    "menos y probablemente elimina buena parte de los contactos."
                ),
            },
            {
                "argue": "a5",
                "by": "rosa",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Si el bot muestra información del pedido, necesita verificar identidad con "
                    "número de pedido y email o código postal. Y las conversaciones no deberían "
                    "guardarse más de 30 días, salvo que se conviertan en ticket."
                ),
            },
            {
                "argue": "a6",
                "by": "carmen",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "Estoy de acuerdo con Marta: hagamos primero lo de los emails de envío y la "
                    "página de seguimiento, y veamos cuánto bajan los contactos antes de decidir "
                    "si el chatbot sigue siendo necesario."
                ),
            },
            {
                "position": "agree",
                "by": "elena",
                "reason": (
                    "Los contactos de estado de pedido son los que más tiempo consumen en campaña."
                ),
            },
            {
                "position": "abstain",
                "by": "pilar",
                "reason": "Depende de lo que consiga la mejora de la página de seguimiento.",
            },
        ],
        "close": {
            "by": "carmen",
            "statement": (
                "Abandonada. Se acordó probar antes la mejora de los emails de envío y de la "
                "página de seguimiento, y el plazo venció sin que nadie pidiera decidir "
                "sobre el chatbot. Si los contactos por estado de pedido no bajan lo suficiente, "
                "Javier puede reabrirla con los datos nuevos."
            ),
        },
    },
    # --- attribution (accepted)
    {
        "key": "atribucion-dual",
        "author": "diego",
        "unit": "analitica",
        "title": "Informe de atribución dual durante dos trimestres",
        "summary": (
            "Publicar cada mes el reparto de ingresos online por canal con último clic y con el "
            "modelo basado en datos, sin mover presupuestos hasta revisar los resultados dentro de "
            "seis meses."
        ),
        "body": (
            "La propuesta de pasar los presupuestos al modelo basado en datos se rechazó por el "
            "riesgo de cambiar en plena temporada alta, la dificultad de explicarlo y la ausencia "
            "de las ventas en tienda. Pero la prueba en paralelo mostró diferencias de hasta un 34 "
            "% en algunos canales, demasiado para ignorarlas.\n\n"
            "**Propuesta**\n\n"
            "- Informe mensual en Looker Studio con ambos modelos lado a lado por canal, campaña y "
            "dispositivo.\n"
            "- Cada mes, Datalia explica en una página las tres mayores diferencias con rutas de "
            "conversión concretas.\n"
            "- Los presupuestos siguen basándose en último clic.\n"
            "- Revisión a los seis meses para decidir el modelo, con unas rebajas completas "
            "medidas con ambos.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Canales con la diferencia entre modelos explicada y validada (de 0 a 7) y coste de "
            "mantener el informe (objetivo: menos de 4 horas al mes)."
        ),
        "impact": {
            "metric": "Canales con diferencia entre modelos explicada",
            "baseline": "0 de 7",
            "target": "7 de 7",
            "by_days": 180,
        },
        "tags": ["atribucion", "dashboards"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "carmen": "decider",
            "marta": "required",
            "nuria": "consulted",
            "oliver": "consulted",
            "pablo": "consulted",
            "ana": "consulted",
        },
        "start_days_ago": 122,
        "span_days": 12,
        "deadline_days": 20,
        "language": "es",
        "state": "accepted",
        "supersedes": "attribution-data-driven",
        "steps": [
            {
                "argue": "a1",
                "by": "oliver",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "This gets us the evidence without risking the peak season. I would add one "
                    "thing: a geo holdout for paid social in two regions for four weeks. If "
                    "data-driven is right that social is undervalued, switching it off there "
                    "should show a dip in store and online sales that last-click cannot see."
                ),
            },
            {
                "argue": "a2",
                "by": "marta",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Cuánto trabajo supone para mi equipo? Ya revisamos cada lunes el informe de "
                    "ventas y el de campañas, y no tenemos margen para un tercero."
                ),
            },
            {
                "argue": "a3",
                "by": "diego",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Para tu equipo, nada nuevo: Pablo automatiza el informe y la página de "
                    "explicación la escribe Datalia. Solo os pediré media hora al mes para "
                    "comentar las diferencias en la reunión de campañas que ya tenemos."
                ),
            },
            {
                "argue": "a4",
                "by": "pablo",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Con una tasa de consentimiento del 58 %, añadiré al informe el porcentaje de "
                    "conversiones observadas frente a modeladas en cada canal. Si un canal depende "
                    "mucho del modelado, lo marcaremos para no sacar conclusiones precipitadas."
                ),
            },
            {
                "argue": "a5",
                "by": "nuria",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Mientras el informe no incluya las ventas en tienda, seguimos optimizando "
                    "sobre un 30 % del negocio. Prefiero que las horas de Datalia vayan a unificar "
                    "los datos de cliente, que es lo que permitirá medir el efecto de los canales "
                    "en tienda."
                ),
            },
            {
                "argue": "a6",
                "by": "diego",
                "stance": "comment",
                "reply_to": "a5",
                "body": (
                    "Lo entiendo, pero son unas seis horas de puesta en marcha y cuatro al mes "
                    "después; no compite con la unificación de clientes. Y el test geográfico que "
                    "propone Oliver sí mide tiendas, porque compara ventas totales por región."
                ),
            },
            {
                "revise": {
                    "body": (
                        "La propuesta de pasar los presupuestos al modelo basado en datos se "
                        "rechazó por el riesgo de cambiar en plena temporada alta, la dificultad "
                        "de explicarlo y la ausencia de las ventas en tienda. Pero la prueba en "
                        "paralelo mostró diferencias de hasta un 34 % en algunos canales, "
                        "demasiado para ignorarlas.\n\n"
                        "**Propuesta**\n\n"
                        "- Informe mensual en Looker Studio con ambos modelos lado a lado por "
                        "canal, campaña y dispositivo, indicando el porcentaje de conversiones "
                        "modeladas de cada canal.\n"
                        "- Cada mes, Datalia explica en una página las tres mayores diferencias "
                        "con rutas de conversión concretas.\n"
                        "- Test geográfico: cuatro semanas sin redes sociales de pago en Murcia y "
                        "Aragón, comparando ventas totales (web y tienda) con regiones similares, "
                        "fuera de rebajas.\n"
                        "- Los presupuestos siguen basándose en último clic.\n"
                        "- Revisión a los seis meses para decidir el modelo.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Canales con la diferencia entre modelos explicada y validada (de 0 a 7) y "
                        "coste de mantener el informe (objetivo: menos de 4 horas al mes)."
                    ),
                },
                "by": "diego",
                "note": (
                    "Añado el test geográfico de redes sociales de pago en dos regiones, que "
                    "además responde en parte a la objeción de Nuria sobre las tiendas, y "
                    "el indicador de conversiones modeladas por canal."
                ),
            },
            {
                "argue": "a7",
                "by": "carmen",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Me parece el paso correcto: evidencia antes de mover dinero. El test "
                    "geográfico me interesa especialmente porque es el único que nos habla de "
                    "tiendas. Pido solo que no coincida con rebajas ni con Black Friday."
                ),
            },
            {
                "position": "agree",
                "by": "marta",
                "reason": "Sin trabajo extra para mi equipo y sin tocar presupuestos, de acuerdo.",
            },
            {
                "position": "agree",
                "by": "oliver",
                "reason": "The geo test gives us a causal read on social.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "Automatizable y con el modelado a la vista.",
            },
            {
                "position": "agree",
                "by": "ana",
                "reason": "Es la forma prudente de llegar al cambio de modelo.",
            },
            {
                "position": "disagree",
                "by": "nuria",
                "reason": "Sigo prefiriendo dedicar esas horas a la unificación de clientes.",
            },
            {
                "position": "agree",
                "by": "carmen",
                "reason": "Evidencia antes de mover presupuestos.",
            },
        ],
        "close": {
            "by": "carmen",
            "statement": (
                "Aceptada por mayoría: 7 de 9 en peso a favor. Mantener los presupuestos en último "
                "clic mientras publicamos ambos modelos responde a lo que hizo rechazar la "
                "propuesta anterior, y el coste para el equipo de Marta es mínimo. El test "
                "geográfico de Oliver es clave porque mide también las tiendas, que era la "
                "objeción de Nuria, y el indicador de conversiones modeladas evita sacar "
                "conclusiones de canales con pocos datos observados. Revisamos dentro de seis "
                "meses."
            ),
            "cites": ["a1", "a3", "a4", "a5"],
        },
    },
    # --- store dashboard
    {
        "key": "dashboard-tiendas",
        "author": "diego",
        "unit": "analitica",
        "title": "Cuadro de mando semanal de una página para gerentes de tienda",
        "summary": (
            "Sustituir el Excel semanal de 14 pestañas por un cuadro de mando de una sola página, "
            "pensado para el móvil, disponible cada lunes a las 9:00."
        ),
        "body": (
            "Cada martes los gerentes reciben un Excel de 14 pestañas con ventas, tráfico, "
            "personal y stock. Según el registro de descargas, solo el 23 % lo abre, y quienes lo "
            "hacen preguntan a BI por cifras que ya están en el fichero.\n\n"
            "**Propuesta**\n\n"
            "- Un cuadro de mando de una página, legible en el móvil, publicado cada lunes a las "
            "9:00 con la semana anterior.\n"
            "- Seis indicadores: ventas frente a objetivo, tráfico, conversión de tienda (tickets "
            "entre visitas), ticket medio, NPS con detractores pendientes y pedidos de recogida en "
            "tienda pendientes.\n"
            "- Construido sobre el almacén de datos, sin trabajo manual semanal.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Porcentaje de gerentes que lo consultan cada semana (objetivo: 70 % a los dos meses) "
            "y preguntas de tiendas a BI sobre cifras del informe."
        ),
        "impact": {
            "metric": "Gerentes que consultan el informe cada semana",
            "baseline": "23 %",
            "target": "70 %",
            "by_days": 60,
        },
        "tags": ["dashboards", "tiendas", "soporte-interno"],
        "visibility": "organisation",
        "rule": "decider",
        "participants": {
            "raul": "decider",
            "ines": "consulted",
            "nuria": "consulted",
            "pablo": "consulted",
            "lucia": "informed",
        },
        "start_days_ago": 115,
        "span_days": 12,
        "deadline_days": 21,
        "language": "es",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "ines",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Los gerentes no abren el Excel porque en tienda solo tienen el ordenador de "
                    "la trastienda, que comparten con administración. En el móvil sí lo mirarían, "
                    "sobre todo si el lunes a primera hora ya saben cómo fue la semana."
                ),
            },
            {
                "argue": "a2",
                "by": "nuria",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "El tráfico viene de los contadores de puerta, que solo están en 61 de las 92 "
                    "tiendas. ¿Qué mostramos en las otras 31? Si estimamos, los gerentes van a "
                    "discutir la estimación y no la conversión."
                ),
            },
            {
                "argue": "a3",
                "by": "diego",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "En esas tiendas mostraremos «sin contador» y no calcularemos la conversión. "
                    "Mejor un hueco honesto que una cifra inventada. Además, tiendas ya tiene "
                    "presupuestado instalar contadores en 12 más este año."
                ),
            },
            {
                "argue": "a4",
                "by": "pablo",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Sugiero comparar cada tienda no solo con su objetivo, sino con tiendas "
                    "similares por superficie y tipo de ubicación. El objetivo a veces está mal "
                    "fijado y el gerente no sabe si va bien o mal."
                ),
            },
            {
                "argue": "a5",
                "by": "raul",
                "stance": "against",
                "reply_to": "a4",
                "body": (
                    "Cuidado con eso: no quiero un ranking de tiendas visible para todos. Lo "
                    "probamos hace dos años, generó mal ambiente entre gerentes y alguna que otra "
                    "trampa con los tickets."
                ),
            },
            {
                "argue": "a6",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a5",
                "body": (
                    "No sería un ranking. Cada gerente vería su tienda frente a la mediana de su "
                    "grupo, sin nombres de otras tiendas. Es la referencia que necesita para "
                    "interpretar su propia cifra."
                ),
            },
            {
                "argue": "a7",
                "by": "raul",
                "stance": "for",
                "reply_to": "a6",
                "body": (
                    "La mediana del grupo, sin nombres ni posiciones, sí me parece bien. Así el "
                    "gerente tiene contexto y nadie se siente expuesto delante de sus compañeros."
                ),
            },
            {"position": "agree", "by": "ines", "reason": "Por fin algo que los gerentes leerán."},
            {
                "position": "agree",
                "by": "nuria",
                "reason": "Sin estimaciones de tráfico, de acuerdo.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "Con la mediana del grupo como referencia.",
            },
        ],
        "close": {
            "by": "raul",
            "statement": (
                "Aceptada. El formato móvil responde al motivo real por el que no se abre el Excel "
                ". Mostraremos «sin contador» en lugar de estimar el tráfico, y la "
                "comparación será con la mediana de tiendas similares, sin nombres ni ranking "
                ", que era mi reparo. Diego lo lanza primero con las tiendas de Levante y lo "
                "extendemos a toda la red si la consulta semanal supera el 70 %."
            ),
            "cites": ["a1", "a3", "a6"],
        },
    },
    # --- weekly PDF (abandoned, unit)
    {
        "key": "informe-pdf-semanal",
        "author": "pablo",
        "unit": "analitica",
        "title": "Sustituir el informe semanal en PDF por una suscripción al panel",
        "summary": (
            "Dejar de preparar a mano el PDF semanal de analítica web y enviar en su lugar una "
            "instantánea automática del panel cada lunes."
        ),
        "body": (
            "Cada lunes Datalia prepara a mano un PDF de 12 páginas con los datos de la web y la "
            "app de la semana anterior: capturas del panel, tablas copiadas y tres párrafos de "
            "comentarios. Son unas cuatro horas semanales, y las cifras a veces no coinciden con "
            "el panel porque se copian antes de que termine la carga de datos.\n\n"
            "**Propuesta**\n\n"
            "- Configurar una suscripción del panel que envíe por email una instantánea cada lunes "
            "a las 8:00.\n"
            "- Dejar de producir el PDF manual.\n"
            "- Dedicar las horas liberadas a análisis bajo demanda de marketing y e-commerce.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Horas semanales dedicadas a informes manuales (de 4 a 0) y número de análisis bajo "
            "demanda entregados al mes."
        ),
        "impact": {
            "metric": "Horas semanales dedicadas a informes manuales",
            "baseline": "4 h",
            "target": "0 h",
            "by_days": 30,
        },
        "tags": ["dashboards"],
        "visibility": "unit",
        "rule": "consent",
        "participants": {"diego": "decider", "carmen": "consulted", "nuria": "consulted"},
        "start_days_ago": 105,
        "span_days": 15,
        "deadline_days": 17,
        "language": "es",
        "state": "abandoned",
        "steps": [
            {
                "argue": "a1",
                "by": "carmen",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "El comité de dirección lee ese PDF en el móvil los lunes, de camino a la "
                    "reunión. El panel pide iniciar sesión y en el móvil se ve mal. Si lo "
                    "quitamos, nadie mirará los datos web antes del comité."
                ),
            },
            {
                "argue": "a2",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "La suscripción del panel puede enviar la instantánea como PDF adjunto al "
                    "correo, sin que haya que iniciar sesión. El formato para el comité no "
                    "cambiaría tanto como parece."
                ),
            },
            {
                "argue": "a3",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Exacto, esa es la idea: el mismo PDF, pero generado automáticamente y con las "
                    "cifras ya cerradas. Nos ahorraría unas cuatro horas semanales que podríamos "
                    "dedicar a análisis."
                ),
            },
            {
                "argue": "a4",
                "by": "carmen",
                "stance": "question",
                "reply_to": "a3",
                "body": (
                    "¿Y los comentarios? Lo que de verdad leemos son los tres párrafos del "
                    "analista explicando qué ha pasado y por qué. ¿Eso también se automatiza, o "
                    "desaparece?"
                ),
            },
            {
                "position": "agree",
                "by": "nuria",
                "reason": "La instantánea automática evita errores de copia.",
            },
        ],
        "close": {
            "by": "diego",
            "statement": (
                "Abandonada. La pregunta de Carmen sobre los comentarios del analista quedó "
                "sin respuesta y el plazo venció. El valor del informe está en esos comentarios, "
                "no en las gráficas, y mientras no tengamos una forma de conservarlos la propuesta "
                "no avanza. Pablo puede reabrirla con un formato que los incluya."
            ),
        },
    },
    # --- consent mode (rich, English)
    {
        "key": "consent-mode",
        "author": "hannah",
        "unit": "analitica",
        "title": "Implement Consent Mode and reconcile analytics with ERP orders",
        "summary": (
            "Since the new cookie banner only 58 % of visitors accept analytics cookies. Implement "
            "Google Consent Mode so conversions can be modelled, and report a daily reconciliation "
            "between GA4 and ERP orders."
        ),
        "body": (
            "Three months ago we replaced the cookie banner with one that follows the Spanish data "
            "protection authority's guidance: «Reject» now has the same prominence as «Accept». "
            "Acceptance dropped from 89 % to 58 %. GA4 now reports 39 % fewer purchases than the "
            "ERP, and the business teams have stopped trusting the dashboards.\n\n"
            "**Proposal**\n\n"
            "- Implement Consent Mode in advanced mode: when consent is denied, tags send "
            "cookieless pings so GA4 and Google Ads can model conversions.\n"
            "- Add a daily reconciliation metric: GA4 purchases divided by ERP web orders.\n"
            "- Mark modelled data clearly in every dashboard.\n\n"
            "**How we will measure it**\n\n"
            "The gap between GA4 and ERP purchases in the reports people actually use (today 39 "
            "%), and the number of dashboards flagged as unreliable by the business teams."
        ),
        "impact": {
            "metric": "Gap between reported and ERP web purchases",
            "baseline": "39 %",
            "target": "under 5 %",
            "by_days": 75,
        },
        "tags": ["cookies", "rgpd", "etiquetado"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "diego": "decider",
            "rosa": "required",
            "javier": "required",
            "carmen": "consulted",
            "pablo": "consulted",
            "oliver": "consulted",
            "marta": "consulted",
            "nuria": "informed",
        },
        "start_days_ago": 100,
        "span_days": 21,
        "deadline_days": 30,
        "language": "en",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "diego",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Since the banner change the e-commerce team stopped using GA4 for daily "
                    "decisions: a 39 % gap with the ERP makes every conversion rate look wrong. "
                    "Whatever we do, we need numbers that reconcile with the orders we actually "
                    "ship, and we need them before the next peak season."
                ),
            },
            {
                "argue": "a2",
                "by": "rosa",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "What exactly do these cookieless pings send when the user has rejected "
                    "cookies? If they carry any identifier, or the full IP address, that is still "
                    "processing of personal data without consent, and I need to see the detail "
                    "before I can say anything."
                ),
            },
            {
                "argue": "a3",
                "by": "hannah",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "No cookies are read or written and no client ID is sent. The ping includes a "
                    "timestamp, the consent state, the page URL, the user agent and the IP "
                    "address, which Google says is used for country-level geolocation and not "
                    "stored. We would document all of it in the record of processing activities."
                ),
            },
            {
                "argue": "a4",
                "by": "rosa",
                "stance": "against",
                "reply_to": "a3",
                "body": (
                    "Then it still sends the IP address and the URL to a third party for a user "
                    "who said no. The Spanish authority's position on measuring without consent is "
                    "restrictive, and «Google says it doesn't store it» is not an argument I can "
                    "defend in an inspection. Advanced mode is not acceptable. Basic mode, where "
                    "nothing loads until consent, would be."
                ),
            },
            {
                "position": "block",
                "by": "rosa",
                "reason": (
                    "Advanced mode sends data of users who rejected cookies; I can only accept "
                    "basic mode."
                ),
            },
            {
                "argue": "a5",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "For context on what we lose: in basic mode GA4 gets no data at all from "
                    "non-consenting users, so behavioural modelling is not available. Google Ads "
                    "still models conversions at an aggregate level. In practice the GA4 gap "
                    "stays, but we can correct the headline figures with the ERP reconciliation."
                ),
            },
            {
                "argue": "a6",
                "by": "oliver",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "For A/B tests this matters less than it seems: our testing tool uses its own "
                    "first-party storage under the same consent, and for purchase metrics we "
                    "already join on ERP order IDs. I'd make the ERP the source of truth for every "
                    "test read-out, whatever mode we choose."
                ),
            },
            {
                "argue": "a7",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "What is the impact on page speed? Our tag manager container is already 480 KB "
                    "and mobile LCP is at 3.1 seconds. I don't want to add anything to the page "
                    "without removing something first."
                ),
            },
            {
                "argue": "a8",
                "by": "hannah",
                "stance": "comment",
                "reply_to": "a7",
                "body": (
                    "Consent Mode itself is a few lines of configuration. But our audit found 11 "
                    "tags that no longer fire or belong to finished campaigns. Removing them in "
                    "the same sprint brings the container down to around 300 KB."
                ),
            },
            {
                "argue": "a9",
                "by": "marta",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Right now I'm making pricing and merchandising decisions with a dashboard "
                    "that misses four in ten orders. Any version of this, basic or advanced, is "
                    "better than what we have, as long as it ships in the next few weeks."
                ),
            },
            {
                "argue": "a10",
                "by": "carmen",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "Would this also fix the numbers we see in Meta and TikTok? Our social media "
                    "agency reports lower conversions every month and blames the banner."
                ),
            },
            {
                "argue": "a11",
                "by": "hannah",
                "stance": "comment",
                "reply_to": "a10",
                "body": (
                    "No, those platforms need their own consent integration and server-side "
                    "events. That's a separate piece of work; I'd keep it out of scope so this one "
                    "ships on time."
                ),
            },
            {
                "revise": {
                    "title": (
                        "Implement Consent Mode (basic) and reconcile analytics with ERP orders"
                    ),
                    "summary": (
                        "Since the new cookie banner only 58 % of visitors accept analytics "
                        "cookies. Implement Consent Mode in basic mode, so nothing loads before "
                        "consent, and correct reporting with a daily reconciliation between GA4 "
                        "and ERP orders."
                    ),
                    "body": (
                        "Three months ago we replaced the cookie banner with one that follows the "
                        "Spanish data protection authority's guidance: «Reject» now has the same "
                        "prominence as «Accept». Acceptance dropped from 89 % to 58 %. GA4 now "
                        "reports 39 % fewer purchases than the ERP, and the business teams have "
                        "stopped trusting the dashboards.\n\n"
                        "**Proposal**\n\n"
                        "- Implement Consent Mode in basic mode: no Google tag loads and nothing "
                        "is sent until the visitor accepts.\n"
                        "- Add a daily reconciliation: GA4 purchases divided by ERP web orders, "
                        "per device and channel, used to correct headline figures in dashboards.\n"
                        "- A/B test read-outs use ERP orders as the source of truth.\n"
                        "- Remove the 11 obsolete tags found in the audit in the same sprint.\n"
                        "- Meta and TikTok reporting are out of scope.\n\n"
                        "**How we will measure it**\n\n"
                        "The gap between reported and ERP purchases in the dashboards people "
                        "actually use (today 39 %), and the number of dashboards flagged as "
                        "unreliable by the business teams."
                    ),
                },
                "by": "hannah",
                "note": (
                    "Switched to basic mode after Rosa's objection: no tag loads and nothing "
                    "is sent before consent. Because basic mode gives up GA4 modelling, the "
                    "daily ERP reconciliation becomes the main fix, and tests read purchases from "
                    "the ERP. Added the removal of 11 obsolete tags. Meta and TikTok "
                    "stay out of scope."
                ),
            },
            {
                "position": "agree",
                "by": "rosa",
                "reason": (
                    "Basic mode sends nothing before consent. I lift the block; please add the "
                    "reconciliation to the record of processing."
                ),
            },
            {
                "argue": "a12",
                "by": "pablo",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Once this is live, we could also test the banner wording. Clearer copy "
                    "explaining what analytics cookies are used for tends to lift acceptance by a "
                    "few points, without touching the design."
                ),
            },
            {
                "argue": "a13",
                "by": "rosa",
                "stance": "against",
                "reply_to": "a12",
                "body": (
                    "Wording tests are fine, but every variant must keep «Reject» at the same "
                    "level and size as «Accept», with no pre-selected options and no colours "
                    "nudging towards one button. If a test drifts towards dark patterns, I will "
                    "stop it."
                ),
            },
            {
                "argue": "a14",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a13",
                "body": (
                    "Agreed. Only the explanatory text would change; buttons and layout stay "
                    "exactly as they are. I'll send you the variants for review before anything "
                    "goes live."
                ),
            },
            {
                "argue": "a15",
                "by": "javier",
                "stance": "for",
                "reply_to": "a8",
                "body": (
                    "With the obsolete tags removed I'm happy: this change makes the page lighter "
                    "rather than heavier. We can ship it in the next web release, two weeks from "
                    "now."
                ),
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Lighter container, no performance risk.",
            },
            {"position": "agree", "by": "marta", "reason": "Reconciled numbers, finally."},
            {
                "position": "agree",
                "by": "oliver",
                "reason": "ERP as source of truth for tests works for me.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "Basic mode plus reconciliation is a sound compromise.",
            },
            {
                "position": "agree",
                "by": "carmen",
                "reason": "Fine, although social reporting still needs its own solution.",
            },
        ],
        "close": {
            "by": "diego",
            "statement": (
                "Accepted. Rosa's objection was decisive: advanced mode sends data of users "
                "who rejected cookies, so we go with basic mode. As Pablo explained, that "
                "gives up GA4 modelling, so the daily ERP reconciliation becomes the fix that "
                "brings trust back, and test read-outs use ERP orders. Removing the 11 "
                "obsolete tags leaves the page lighter than today. Banner wording tests may "
                "follow, under the conditions Rosa set."
            ),
            "cites": ["a4", "a5", "a6", "a8", "a13"],
        },
    },
    # --- tagging plan (unit)
    {
        "key": "plan-etiquetado",
        "author": "pablo",
        "unit": "analitica",
        "title": "Plan de etiquetado común para web y app con una capa de datos única",
        "summary": (
            "Unificar los nombres y parámetros de los eventos de analítica de la web y la app en "
            "un plan de etiquetado documentado y verificado automáticamente cada semana."
        ),
        "body": (
            "La web y la app se etiquetaron en momentos distintos y por equipos distintos. El "
            "mismo gesto se llama `add_to_cart` en la web y `addCart` en la app, y el 23 % de las "
            "compras en la app llegan sin información de producto, lo que impide analizar las "
            "ventas por categoría en ese canal.\n\n"
            "**Propuesta**\n\n"
            "- Un plan de etiquetado único con 28 eventos, siguiendo la nomenclatura estándar de "
            "comercio electrónico de GA4.\n"
            "- Especificación de la capa de datos compartida por web y app, con ejemplos de cada "
            "evento.\n"
            "- Pruebas automáticas semanales que recorren los flujos principales y avisan si un "
            "evento desaparece o cambia.\n"
            "- Despliegue en la web en un sprint y en la app en dos versiones.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Porcentaje de compras en la app con datos de producto completos (hoy 77 %) e "
            "incidencias de etiquetado detectadas antes de llegar a producción."
        ),
        "impact": {
            "metric": "Compras en app con datos de producto completos",
            "baseline": "77 %",
            "target": "98 %",
            "by_days": 60,
        },
        "tags": ["etiquetado", "app"],
        "visibility": "unit",
        "rule": "consent",
        "participants": {
            "diego": "decider",
            "javier": "required",
            "marta": "consulted",
            "hannah": "consulted",
            "oliver": "informed",
        },
        "start_days_ago": 92,
        "span_days": 14,
        "deadline_days": 21,
        "language": "es",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "La app publica versión cada tres semanas y el equipo necesita la "
                    "especificación cerrada dos semanas antes de la congelación. ¿Cuándo estaría "
                    "lista? Si se nos escapa una versión, perdemos casi un mes."
                ),
            },
            {
                "argue": "a2",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "La especificación estará cerrada en cinco días laborables. Si la validáis "
                    "durante la semana siguiente, entra en la próxima versión sin problema y la "
                    "web puede ir en paralelo."
                ),
            },
            {
                "argue": "a3",
                "by": "hannah",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Two additions to the data layer spec: a `consent_state` parameter on every "
                    "event, so we can always tell observed traffic apart, and a `schema_version` "
                    "field. When the plan changes, we'll know which version each event followed."
                ),
            },
            {
                "argue": "a4",
                "by": "marta",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Pido que los nombres de promoción y campaña sigan el mismo código que usa "
                    "marketing en el calendario de campañas. Hoy en la web la promoción se llama "
                    "«REBAJAS_INV» y en el email «rebajas-invierno», y cruzarlas es trabajo manual."
                ),
            },
            {
                "argue": "a5",
                "by": "oliver",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Please add `experiment_id` and `variant` parameters to page_view and purchase "
                    "events. Right now we join test assignments to orders by hand, and that is "
                    "where most of our test analysis errors come from."
                ),
            },
            {
                "revise": {
                    "body": (
                        "La web y la app se etiquetaron en momentos distintos y por equipos "
                        "distintos. El mismo gesto se llama `add_to_cart` en la web y `addCart` en "
                        "la app, y el 23 % de las compras en la app llegan sin información de "
                        "producto, lo que impide analizar las ventas por categoría en ese "
                        "canal.\n\n"
                        "**Propuesta**\n\n"
                        "- Un plan de etiquetado único con 30 eventos, siguiendo la nomenclatura "
                        "estándar de comercio electrónico de GA4.\n"
                        "- Parámetros comunes en todos los eventos: `consent_state` y "
                        "`schema_version`; `experiment_id` y `variant` en vistas de página y "
                        "compras.\n"
                        "- Nombres de promoción y campaña con el mismo código que el calendario de "
                        "marketing.\n"
                        "- Especificación de la capa de datos compartida por web y app, con "
                        "ejemplos de cada evento.\n"
                        "- Pruebas automáticas semanales que recorren los flujos principales y "
                        "avisan si un evento desaparece o cambia.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Porcentaje de compras en la app con datos de producto completos (hoy 77 "
                        "%) e incidencias de etiquetado detectadas antes de llegar a producción."
                    ),
                },
                "by": "pablo",
                "note": (
                    "Añado los parámetros `consent_state` y `schema_version`, `experiment_id` "
                    "y `variant` y la nomenclatura de promociones alineada con marketing "
                    ". El plan pasa de 28 a 30 eventos."
                ),
            },
            {
                "argue": "a6",
                "by": "javier",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Con la especificación a tiempo, adelante. Una condición: las pruebas "
                    "automáticas las mantiene Datalia al menos seis meses, porque mi equipo no "
                    "tiene capacidad para hacerse cargo de otra herramienta ahora mismo."
                ),
            },
            {
                "argue": "a7",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "De acuerdo: Datalia mantiene las pruebas y revisa las alertas durante seis "
                    "meses, y después formamos a vuestro equipo para el traspaso con la "
                    "documentación completa."
                ),
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Con Datalia manteniendo las pruebas seis meses.",
            },
            {
                "position": "agree",
                "by": "marta",
                "reason": "Los nombres de promoción alineados me ahorran trabajo manual.",
            },
            {
                "position": "agree",
                "by": "hannah",
                "reason": "The versioned schema will make future changes safe.",
            },
        ],
        "close": {
            "by": "diego",
            "statement": (
                "Aceptada sin objeciones. El plan resuelve la falta de datos de producto en la app "
                "y sale reforzado del debate: estado de consentimiento y versión del esquema en "
                "cada evento, identificador de experimento para los tests y nombres de "
                "promoción comunes con marketing. El compromiso de Datalia de mantener las "
                "pruebas automáticas durante seis meses resuelve la falta de capacidad de "
                "tecnología."
            ),
            "cites": ["a3", "a4", "a5", "a7"],
        },
    },
    # --- promoter calls (rejected)
    {
        "key": "activar-promotores",
        "author": "ana",
        "unit": "atencion",
        "title": "Programa «Activar promotores»: llamar a los clientes más satisfechos",
        "summary": (
            "Llamar cada mes a 300 clientes que puntúan 9 o 10 en la encuesta NPS para darles las "
            "gracias y pedirles que cuenten su experiencia en una reseña."
        ),
        "body": (
            "El 41 % de las respuestas NPS son de promotores y no hacemos nada con ellas. Las "
            "empresas con programas maduros de experiencia contactan a sus clientes más leales "
            "para agradecerles la confianza y ampliar la conversación sobre lo que valoran.\n\n"
            "**Propuesta**\n\n"
            "- El contact center llama cada mes a 300 promotores elegidos al azar.\n"
            "- La llamada agradece la valoración, pregunta qué fue lo mejor de la experiencia y, "
            "si el cliente quiere, le envía por SMS el enlace para dejar una reseña en Google.\n"
            "- Los comentarios se registran con las mismas categorías que las quejas.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Reseñas nuevas en Google al mes (hoy 180) y tasa de recompra a 90 días de los "
            "promotores llamados frente a los no llamados."
        ),
        "impact": {
            "metric": "Reseñas nuevas en Google al mes",
            "baseline": "180",
            "target": "260",
            "by_days": 90,
        },
        "tags": ["nps", "atencion-al-cliente"],
        "visibility": "organisation",
        "rule": "decider",
        "participants": {
            "pilar": "decider",
            "elena": "required",
            "raul": "consulted",
            "carmen": "consulted",
            "pablo": "informed",
        },
        "start_days_ago": 85,
        "span_days": 10,
        "deadline_days": 14,
        "language": "es",
        "state": "rejected",
        "related": ["alertas-detractores"],
        "steps": [
            {
                "argue": "a1",
                "by": "elena",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "El contact center trabaja al 92 % de ocupación y estamos absorbiendo las "
                    "llamadas a detractores del piloto de Levante. Trescientas llamadas más son "
                    "unas 25 horas al mes. Si hay que elegir, prefiero dedicarlas a clientes con "
                    "un problema que a clientes contentos."
                ),
            },
            {
                "argue": "a2",
                "by": "carmen",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Pedir reseñas por teléfono es compatible con las políticas de Google? Sé que "
                    "no se pueden ofrecer incentivos ni pedirlas selectivamente solo a los "
                    "clientes satisfechos."
                ),
            },
            {
                "argue": "a3",
                "by": "ana",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "No habría ningún incentivo. Sobre pedirlas solo a promotores, tienes razón en "
                    "que Google lo desaconseja. Podríamos pedirla también en las llamadas a "
                    "detractores ya resueltos, aunque eso cambia el espíritu del programa."
                ),
            },
            {
                "argue": "a4",
                "by": "raul",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "En tienda los gerentes ya agradecen en persona a los clientes habituales. Si "
                    "lo que buscamos es reconocimiento, quizá sea más natural desde la tienda que "
                    "desde un contact center que el cliente no conoce."
                ),
            },
            {
                "argue": "a5",
                "by": "pablo",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "No tenemos datos propios de que llamar a promotores mejore su recompra, y en "
                    "la literatura el efecto es pequeño comparado con recuperar detractores. Si se "
                    "hace, que sea con grupo de control; aquí sí es posible, porque nadie ha "
                    "pedido que le llamen."
                ),
            },
            {
                "argue": "a6",
                "by": "ana",
                "stance": "question",
                "reply_to": "a1",
                "body": (
                    "¿Y si en lugar de llamar lo hacemos con un email personalizado de "
                    "agradecimiento? El coste para el contact center sería prácticamente nulo."
                ),
            },
            {
                "argue": "a7",
                "by": "elena",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "Un email de agradecimiento con enlace a reseñas me parece razonable, pero es "
                    "otra propuesta y le correspondería a marketing, no al contact center."
                ),
            },
            {
                "position": "disagree",
                "by": "elena",
                "reason": "No tenemos capacidad mientras atendemos a los detractores.",
            },
            {
                "position": "disagree",
                "by": "carmen",
                "reason": "Con la duda sobre las políticas de reseñas, no lo haría así.",
            },
            {
                "position": "abstain",
                "by": "raul",
                "reason": "Me parece más natural desde la tienda, pero no me opongo.",
            },
        ],
        "close": {
            "by": "pilar",
            "statement": (
                "Rechazada. La capacidad del contact center debe ir primero a los detractores que "
                "han pedido contacto, que es el compromiso que adquirimos con las alertas. "
                "Además, no tenemos evidencia de que llamar a promotores mejore la recompra, "
                "y pedir reseñas solo a clientes satisfechos choca con las políticas de Google "
                ". La idea de un email de agradecimiento puede plantearla "
                "marketing por separado."
            ),
            "cites": ["a1", "a2", "a3", "a5"],
        },
    },
    # --- omnichannel campaign
    {
        "key": "campana-omnicanal-rebajas",
        "author": "carmen",
        "unit": "marketing",
        "title": "Un mismo mensaje de rebajas en email, app, tiendas y redes",
        "summary": (
            "Fijar un mensaje común y un calendario único para la campaña de rebajas, que cada "
            "canal adapta a su formato, y dar a tiendas y contact center las preguntas frecuentes "
            "antes del lanzamiento."
        ),
        "body": (
            "En las últimas rebajas el email anunciaba «hasta -50 %», la app «hasta -40 %» y la "
            "cartelería de tienda no mencionaba los descuentos online. El contact center recibió "
            "1.300 llamadas en la primera semana preguntando por diferencias de precio, y en redes "
            "hubo quejas por un código que solo funcionaba en la web.\n\n"
            "**Propuesta**\n\n"
            "- Un brief único de campaña: mensaje, descuentos, fechas y condiciones, aprobado por "
            "marketing.\n"
            "- Cada canal adapta formato y tono, pero no cambia el mensaje ni las condiciones.\n"
            "- Calendario compartido de envíos de email, notificaciones de la app, cartelería y "
            "publicaciones.\n"
            "- Preguntas frecuentes para tiendas, contact center y redes 48 horas antes del "
            "lanzamiento.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Contactos al contact center por confusión de precios o promociones en las dos "
            "primeras semanas (objetivo: menos de 400) y menciones negativas en redes sobre "
            "incoherencias entre canales."
        ),
        "impact": {
            "metric": "Contactos por confusión de promociones",
            "baseline": "1.300",
            "target": "400",
            "by_days": 45,
        },
        "tags": ["omnicanal", "campanas", "redes-sociales"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "lucia": "decider",
            "marta": "required",
            "raul": "required",
            "pilar": "required",
            "javier": "consulted",
            "ana": "consulted",
            "elena": "informed",
        },
        "start_days_ago": 80,
        "span_days": 10,
        "deadline_days": 14,
        "language": "es",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "pilar",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Lo de las preguntas frecuentes 48 horas antes es lo más importante para mí. "
                    "El año pasado mis agentes se enteraban de las condiciones por los propios "
                    "clientes, y eso se nota en la confianza de quien llama."
                ),
            },
            {
                "argue": "a2",
                "by": "raul",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "La cartelería de tienda se imprime y se distribuye diez días antes. Si el "
                    "mensaje digital cambia después, volvemos a tener incoherencias. ¿Cuándo se "
                    "congela el mensaje?"
                ),
            },
            {
                "argue": "a3",
                "by": "carmen",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "El mensaje paraguas se congela doce días antes del lanzamiento, justo antes "
                    "de imprenta. Cualquier cambio posterior necesita el visto bueno de Lucía y, "
                    "si se aprueba, se comunica a todos los canales el mismo día."
                ),
            },
            {
                "argue": "a4",
                "by": "marta",
                "stance": "against",
                "reply_to": "a3",
                "body": (
                    "Congelarlo todo doce días antes le quita al e-commerce la capacidad de "
                    "reaccionar. Online ajustamos descuentos a diario según el stock, y no podemos "
                    "esperar una aprobación de dirección para cada cambio."
                ),
            },
            {
                "argue": "a5",
                "by": "ana",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "Se pueden distinguir dos niveles: el mensaje paraguas (descuento máximo, "
                    "fechas, condiciones generales), que se congela, y las ofertas tácticas "
                    "online, que pueden cambiar a diario siempre que vayan etiquetadas como «solo "
                    "online». Así tienda y contact center saben qué esperar."
                ),
            },
            {
                "argue": "a6",
                "by": "marta",
                "stance": "for",
                "reply_to": "a5",
                "body": (
                    "Con la etiqueta «solo online» y libertad para las ofertas tácticas, me vale. "
                    "Lo importante es no tener que pedir permiso cada vez que movemos un precio "
                    "por stock."
                ),
            },
            {
                "revise": {
                    "body": (
                        "En las últimas rebajas el email anunciaba «hasta -50 %», la app «hasta "
                        "-40 %» y la cartelería de tienda no mencionaba los descuentos online. El "
                        "contact center recibió 1.300 llamadas en la primera semana preguntando "
                        "por diferencias de precio, y en redes hubo quejas por un código que solo "
                        "funcionaba en la web.\n\n"
                        "**Propuesta**\n\n"
                        "- Un brief único de campaña con el mensaje paraguas: descuento máximo, "
                        "fechas y condiciones generales.\n"
                        "- El mensaje paraguas se congela doce días antes del lanzamiento; los "
                        "cambios posteriores requieren el visto bueno de dirección y se comunican "
                        "a todos los canales el mismo día.\n"
                        "- Las ofertas tácticas online pueden cambiar a diario, siempre "
                        "etiquetadas como «solo online».\n"
                        "- Calendario compartido de envíos de email, notificaciones de la app, "
                        "cartelería y publicaciones.\n"
                        "- Preguntas frecuentes para tiendas, contact center y redes 48 horas "
                        "antes del lanzamiento.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Contactos al contact center por confusión de precios o promociones en las "
                        "dos primeras semanas (objetivo: menos de 400) y menciones negativas en "
                        "redes sobre incoherencias entre canales."
                    ),
                },
                "by": "carmen",
                "note": (
                    "Incorporo la distinción de Ana: se congela el mensaje paraguas doce días "
                    "antes y las ofertas tácticas online pueden cambiar a diario con la "
                    "etiqueta «solo online»."
                ),
            },
            {
                "argue": "a7",
                "by": "javier",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Las notificaciones de la app salen de una herramienta distinta a la del "
                    "email, así que esta vez el calendario común habrá que coordinarlo a mano. Si "
                    "funciona, valdrá la pena integrar ambas herramientas más adelante."
                ),
            },
            {
                "argue": "a8",
                "by": "elena",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "Pido que en las preguntas frecuentes haya una tabla de qué promoción aplica "
                    "en qué canal. Es la pregunta número uno en la primera semana de rebajas y la "
                    "que más tiempo nos hace perder."
                ),
            },
            {
                "position": "agree",
                "by": "marta",
                "reason": "Con las ofertas tácticas «solo online», de acuerdo.",
            },
            {
                "position": "agree",
                "by": "raul",
                "reason": "La congelación antes de imprenta resuelve lo de tiendas.",
            },
            {
                "position": "agree",
                "by": "pilar",
                "reason": "Las preguntas frecuentes previas son lo que necesitábamos.",
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Coordinaremos las herramientas a mano esta vez.",
            },
            {
                "position": "agree",
                "by": "ana",
                "reason": "Mensaje común y formatos adaptados a cada canal.",
            },
        ],
        "close": {
            "by": "lucia",
            "statement": (
                "Aceptada. Las 1.300 llamadas de las últimas rebajas muestran el coste de no "
                "coordinar, y las preguntas frecuentes previas atacan directamente ese "
                "problema. La congelación del mensaje paraguas doce días antes protege a las "
                "tiendas, y la distinción de Ana entre mensaje paraguas y ofertas tácticas «solo "
                "online» mantiene la agilidad que pedía Marta. Incluimos además la tabla de "
                "promociones por canal que pide Elena."
            ),
            "cites": ["a1", "a3", "a5", "a8"],
        },
    },
    # --- social response time (abandoned)
    {
        "key": "tiempo-respuesta-redes",
        "author": "pilar",
        "unit": "atencion",
        "title": "Responder en redes sociales en menos de 2 horas en horario comercial",
        "summary": (
            "Comprometernos a dar una primera respuesta en menos de dos horas a los mensajes de "
            "clientes en redes sociales, de 9:00 a 21:00."
        ),
        "body": (
            "Los mensajes de clientes en redes sociales tienen hoy una mediana de nueve horas "
            "hasta la primera respuesta, y el 18 % no recibe ninguna. Muchos de esos clientes "
            "acaban llamando al contact center, ya enfadados, o publicando la queja en abierto.\n\n"
            "**Propuesta**\n\n"
            "- Compromiso público de primera respuesta en menos de dos horas de 9:00 a 21:00, "
            "todos los días.\n"
            "- Una herramienta compartida entre redes y contact center para ver el historial del "
            "cliente.\n"
            "- Los casos que requieren datos personales pasan a un canal privado o al teléfono.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Mediana del tiempo de primera respuesta (objetivo: menos de dos horas), porcentaje de "
            "mensajes sin respuesta y llamadas al contact center precedidas de un mensaje en redes."
        ),
        "impact": {
            "metric": "Mediana de tiempo de primera respuesta en redes",
            "baseline": "9 h",
            "target": "2 h",
            "by_days": 60,
        },
        "tags": ["redes-sociales", "atencion-al-cliente", "omnicanal"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "carmen": "decider",
            "elena": "required",
            "ana": "consulted",
            "marta": "consulted",
        },
        "start_days_ago": 75,
        "span_days": 21,
        "deadline_days": 23,
        "language": "es",
        "state": "abandoned",
        "steps": [
            {
                "argue": "a1",
                "by": "elena",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Los mensajes que no se contestan en redes acaban en el contact center, y con "
                    "el cliente más enfadado. Responder antes nos quitaría llamadas difíciles y "
                    "nos daría la oportunidad de resolver en privado."
                ),
            },
            {
                "argue": "a2",
                "by": "marta",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Quién responde? Hasta ahora lo hace la agencia de redes, con un contrato que "
                    "no incluye atención al cliente. ¿Ampliamos el contrato o lo asume atención?"
                ),
            },
            {
                "argue": "a3",
                "by": "pilar",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Mi propuesta es que lo asuma atención con dos agentes formados en redes, pero "
                    "necesito confirmar con marketing cómo queda la relación con la agencia y "
                    "quién aprueba los mensajes públicos."
                ),
            },
            {
                "argue": "a4",
                "by": "ana",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "Para cumplir dos horas de 9:00 a 21:00 todos los días hacen falta al menos "
                    "dos personas por turno con acceso a la herramienta de redes. Con una sola "
                    "persona, las vacaciones o una baja rompen el compromiso."
                ),
            },
            {
                "position": "agree",
                "by": "elena",
                "reason": "Reduce llamadas de clientes ya enfadados.",
            },
            {"position": "agree", "by": "ana", "reason": "Si se dota con dos personas por turno."},
        ],
        "close": {
            "by": "lucia",
            "statement": (
                "Abandonada. La gestión de redes se está reorganizando dentro de marketing y la "
                "pregunta de quién responde no tendrá respuesta hasta que haya un nuevo "
                "responsable. El plazo venció sin quórum. Pilar puede volver a plantearla cuando "
                "el equipo esté definido."
            ),
        },
    },
    # --- A/B test policy (English)
    {
        "key": "sample-size-policy",
        "author": "oliver",
        "unit": "ecommerce",
        "title": "Minimum sample size and duration rules for A/B tests",
        "summary": (
            "Every A/B test declares its hypothesis, main metric and minimum detectable effect "
            "before launch, runs for at least two full weekly cycles and is not stopped early "
            "because a dashboard looks promising."
        ),
        "body": (
            "Last quarter three tests were stopped after four to six days because the testing tool "
            "showed «95 % significance». Two of them were rolled out, and in both cases the effect "
            "disappeared in the following weeks; one of them actually reduced conversion in the "
            "mobile app.\n\n"
            "**Proposal**\n\n"
            "- Pre-registration: hypothesis, main metric, guardrail metrics and minimum detectable "
            "effect written down before launch.\n"
            "- Sample size calculated up front, and a minimum duration of two full weekly cycles.\n"
            "- No early stopping, except when a guardrail metric such as errors or margin is "
            "clearly harmed.\n"
            "- No launches in the week before Black Friday or in the first week of the sales.\n"
            "- Results reviewed by someone other than the person who designed the test.\n\n"
            "**How we will measure it**\n\n"
            "Share of rolled-out tests whose effect still holds one month after rollout."
        ),
        "impact": {
            "metric": "Rolled-out tests whose effect holds after one month",
            "baseline": "1 of 3",
            "target": "4 of 5",
            "by_days": 120,
        },
        "tags": ["ab-test"],
        "visibility": "organisation",
        "rule": "unanimity",
        "participants": {
            "diego": "decider",
            "marta": "required",
            "pablo": "consulted",
            "carmen": "informed",
        },
        "start_days_ago": 70,
        "span_days": 12,
        "deadline_days": 20,
        "language": "en",
        "state": "accepted",
        "steps": [
            {
                "argue": "a1",
                "by": "marta",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Two full weekly cycles as a minimum means fewer tests per quarter. My team "
                    "has a backlog of 14 ideas, and the business expects us to move faster, not "
                    "slower."
                ),
            },
            {
                "argue": "a2",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "Fewer, but trustworthy. A test we stop on day five and roll out by mistake "
                    "costs more than a test we never ran. And with our traffic, a checkout test "
                    "with an 8 % minimum detectable effect needs about three weeks anyway: the "
                    "rule rarely adds time, it stops us from cutting it."
                ),
            },
            {
                "argue": "a3",
                "by": "pablo",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "I'll add a pre-registration template to the testing tool so it takes ten "
                    "minutes per test. It also gives us a log of every test and its result, which "
                    "we simply don't have today."
                ),
            },
            {
                "argue": "a4",
                "by": "diego",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "What about low-traffic pages, like the home and garden category pages? At "
                    "their traffic a decent test would take three months."
                ),
            },
            {
                "argue": "a5",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "Group them: test the category template across all categories at once, or "
                    "accept a larger minimum detectable effect. What we should not do is shorten "
                    "the duration."
                ),
            },
            {
                "argue": "a6",
                "by": "marta",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "OK, provided this doesn't apply to bug fixes or copy corrections. If a button "
                    "is broken, we fix it; we don't A/B test the fix."
                ),
            },
            {
                "argue": "a7",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "Absolutely, fixes are not experiments. I'll add a line to the policy making "
                    "that explicit, so nobody uses it as a reason to delay a fix."
                ),
            },
            {
                "revise": {
                    "body": (
                        "Last quarter three tests were stopped after four to six days because the "
                        "testing tool showed «95 % significance». Two of them were rolled out, and "
                        "in both cases the effect disappeared in the following weeks; one of them "
                        "actually reduced conversion in the mobile app.\n\n"
                        "**Proposal**\n\n"
                        "- Pre-registration in the testing tool's template: hypothesis, main "
                        "metric, guardrail metrics and minimum detectable effect, written down "
                        "before launch.\n"
                        "- Sample size calculated up front, and a minimum duration of two full "
                        "weekly cycles.\n"
                        "- No early stopping, except when a guardrail metric such as errors or "
                        "margin is clearly harmed.\n"
                        "- Low-traffic pages are tested by template across categories, or with a "
                        "larger minimum detectable effect; never with a shorter duration.\n"
                        "- No launches in the week before Black Friday or in the first week of the "
                        "sales.\n"
                        "- Results reviewed by someone other than the person who designed the "
                        "test.\n"
                        "- Bug fixes and copy corrections are not experiments and are outside this "
                        "policy.\n\n"
                        "**How we will measure it**\n\n"
                        "Share of rolled-out tests whose effect still holds one month after "
                        "rollout."
                    ),
                },
                "by": "oliver",
                "note": (
                    "Clarified that bug fixes and copy corrections are not experiments, "
                    "and added the rule for low-traffic pages: test templates or accept a larger "
                    "effect, never a shorter duration. Pablo's pre-registration template "
                    "is now part of the policy."
                ),
            },
            {
                "position": "agree",
                "by": "marta",
                "reason": "With fixes explicitly outside the policy, fine.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "The template keeps the overhead small.",
            },
            {
                "position": "agree",
                "by": "diego",
                "reason": "Clear rules, and a clear answer for low-traffic pages.",
            },
        ],
        "close": {
            "by": "diego",
            "statement": (
                "Accepted unanimously. Oliver's point convinced us: the rule rarely adds "
                "time, it stops us from cutting tests short and rolling out false winners, which "
                "already happened twice. Marta's concern about speed is addressed by keeping bug "
                "fixes outside the policy, and low-traffic pages are tested by template "
                ". Pablo's pre-registration template keeps the overhead to minutes per "
                "test."
            ),
            "cites": ["a2", "a3", "a5", "a7"],
        },
    },
    # --- returns policy (rejected)
    {
        "key": "devoluciones-60-dias",
        "author": "marta",
        "unit": "ecommerce",
        "title": "Ampliar a 60 días el plazo de devolución para socios Brisa+",
        "summary": (
            "Pasar de 30 a 60 días el plazo de devolución para los socios del programa de "
            "fidelización, tanto en tienda como online."
        ),
        "body": (
            "Dos de nuestros principales competidores ofrecen 60 días para devolver, y en el "
            "contact center «¿cuánto tiempo tengo para devolverlo?» es la segunda pregunta más "
            "frecuente antes de una compra online. Queremos además dar más motivos para hacerse "
            "socio de Brisa+.\n\n"
            "**Propuesta**\n\n"
            "- Plazo de devolución de 60 días para los socios de Brisa+, en tienda y online; 30 "
            "días para el resto.\n"
            "- Comunicarlo como ventaja del programa en la web, la app y la cartelería.\n"
            "- Sin cambios en las condiciones del producto devuelto.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Altas nuevas en Brisa+ al mes (hoy 9.500), conversión online de los socios, tasa de "
            "devolución y porcentaje de producto devuelto que no puede volver a venderse a precio "
            "completo."
        ),
        "impact": {
            "metric": "Altas nuevas en Brisa+ al mes",
            "baseline": "9.500",
            "target": "11.000",
            "by_days": 90,
        },
        "tags": ["devoluciones", "fidelizacion"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "lucia": "decider",
            "carmen": "required",
            "raul": "required",
            "pilar": "consulted",
            "javier": "consulted",
            "ana": "consulted",
            "oliver": "informed",
        },
        "start_days_ago": 60,
        "span_days": 14,
        "deadline_days": 21,
        "language": "es",
        "state": "rejected",
        "steps": [
            {
                "argue": "a1",
                "by": "raul",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "En tienda, lo que se devuelve después de 45 días llega en peor estado: ya hoy "
                    "el 8 % de las devoluciones no se puede volver a vender. Y en moda el problema "
                    "es la temporada: una prenda devuelta después de rebajas pierde un 40 % de su "
                    "valor de un día para otro."
                ),
            },
            {
                "argue": "a2",
                "by": "ana",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Como palanca de captación para Brisa+ tiene sentido. En otros clientes de "
                    "retail que lo han hecho, la conversión de los socios subió alrededor de un 3 "
                    "%, y el coste fue menor de lo esperado porque pocos clientes apuran el plazo."
                ),
            },
            {
                "argue": "a3",
                "by": "pilar",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Cuántas devoluciones se hacen hoy en los últimos días del plazo? Si casi "
                    "nadie devuelve a partir del día 25, la ampliación cambia poco la percepción "
                    "del cliente y mucho el riesgo."
                ),
            },
            {
                "argue": "a4",
                "by": "marta",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "El 6 % de las devoluciones se hace entre el día 25 y el 30. Es poco, pero "
                    "sugiere que hay clientes que sí miran el plazo y lo agotan."
                ),
            },
            {
                "argue": "a5",
                "by": "javier",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Las reglas de devolución están fijadas en el ERP y en el TPV. Cambiar el "
                    "plazo solo para socios requiere identificar al socio en el momento de la "
                    "devolución, y son unos dos sprints de trabajo entre ambos sistemas."
                ),
            },
            {
                "argue": "a6",
                "by": "lucia",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Finanzas estima 1,2 millones de euros al año en rebajas adicionales por "
                    "producto devuelto fuera de temporada, con la mezcla de categorías actual. No "
                    "tenemos ninguna evidencia propia de que compense en conversión. El dato de "
                    "otros clientes de Ana es interesante, pero no es nuestro negocio."
                ),
            },
            {
                "argue": "a7",
                "by": "marta",
                "stance": "question",
                "reply_to": "a6",
                "body": (
                    "Entiendo el riesgo. ¿Y si lo probamos solo en una categoría sin "
                    "estacionalidad, como hogar, durante un trimestre? Así tendríamos datos "
                    "propios de conversión y de coste antes de decidir nada más."
                ),
            },
            {
                "argue": "a8",
                "by": "carmen",
                "stance": "for",
                "reply_to": "a7",
                "body": (
                    "Apoyo probarlo en hogar: tiene menos riesgo de temporada y nos daría datos "
                    "propios para decidir si merece la pena extenderlo."
                ),
            },
            {
                "position": "disagree",
                "by": "lucia",
                "reason": "El coste estimado es alto y no tenemos evidencia propia.",
            },
            {
                "position": "disagree",
                "by": "raul",
                "reason": "El riesgo de producto fuera de temporada es demasiado alto en moda.",
            },
            {
                "position": "disagree",
                "by": "pilar",
                "reason": "Con pocas devoluciones al final del plazo, el beneficio es dudoso.",
            },
            {
                "position": "abstain",
                "by": "javier",
                "reason": "Es viable técnicamente; la decisión es de negocio.",
            },
            {
                "position": "agree",
                "by": "carmen",
                "reason": "Como ventaja de Brisa+ tiene sentido, empezando por una categoría.",
            },
            {"position": "agree", "by": "ana", "reason": "Es una palanca de captación probada."},
        ],
        "close": {
            "by": "lucia",
            "statement": (
                "Rechazada por mayoría. La ampliación general a 60 días tiene un coste estimado de "
                "1,2 millones al año, sobre todo por la pérdida de valor del producto de moda "
                "devuelto fuera de temporada, y solo el 6 % de las devoluciones apura hoy el "
                "plazo. Los datos de otros clientes no bastan para asumir ese riesgo. La "
                "prueba en hogar que sugieren Marta y Carmen puede plantearse como "
                "propuesta aparte."
            ),
            "cites": ["a1", "a4", "a6", "a7"],
        },
    },
    # --- cart push (withdrawn)
    {
        "key": "push-carrito",
        "author": "marta",
        "unit": "ecommerce",
        "title": "Notificaciones push de carrito abandonado en la app",
        "summary": (
            "Enviar una notificación push a los usuarios de la app que dejan productos en el "
            "carrito durante más de 24 horas."
        ),
        "body": (
            "El 71 % de los carritos de la app se abandonan, frente al 64 % en la web. En la web, "
            "el email de carrito abandonado recupera el 6 % de los carritos, pero en la app no "
            "hacemos nada: muchos usuarios de la app no abren el email.\n\n"
            "**Propuesta**\n\n"
            "- Una notificación push 24 horas después de abandonar un carrito, con un enlace "
            "directo al carrito.\n"
            "- Un único recordatorio por carrito, sin descuentos.\n"
            "- Solo para usuarios con notificaciones activadas.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Porcentaje de carritos de la app recuperados en los siete días siguientes (objetivo: "
            "5 %) y tasa de desactivación de notificaciones."
        ),
        "impact": {
            "metric": "Carritos de la app recuperados",
            "baseline": "0 %",
            "target": "5 %",
            "by_days": 60,
        },
        "tags": ["app", "rgpd", "campanas"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "carmen": "decider",
            "rosa": "required",
            "javier": "consulted",
            "oliver": "consulted",
        },
        "start_days_ago": 55,
        "span_days": 8,
        "deadline_days": 21,
        "language": "es",
        "state": "withdrawn",
        "related": ["campana-omnicanal-rebajas"],
        "steps": [
            {
                "argue": "a1",
                "by": "rosa",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Una notificación que recuerda un carrito con productos es comunicación "
                    "comercial y necesita consentimiento específico. Solo el 34 % de los usuarios "
                    "de la app lo ha dado. Y el permiso del sistema operativo para recibir "
                    "notificaciones no equivale a consentimiento comercial."
                ),
            },
            {
                "position": "block",
                "by": "rosa",
                "reason": "Sin consentimiento comercial específico no puede enviarse.",
            },
            {
                "argue": "a2",
                "by": "oliver",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Where it is allowed, push reminders usually recover a few percent of carts. "
                    "The key is a frequency cap: one reminder per cart and never more than two "
                    "commercial pushes a week, or people switch notifications off entirely."
                ),
            },
            {
                "argue": "a3",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "Las notificaciones salen de una herramienta distinta a la del email. Un "
                    "usuario con carrito abierto en la app y sesión en la web podría recibir el "
                    "email y el push por el mismo carrito. ¿Cómo lo evitamos?"
                ),
            },
            {
                "argue": "a4",
                "by": "marta",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "Con un límite de un mensaje por carrito entre canales. Pero eso exige que "
                    "ambas herramientas compartan el estado del carrito, y hoy no lo hacen."
                ),
            },
            {
                "argue": "a5",
                "by": "carmen",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Esto se solapa con la orquestación entre canales que estoy preparando después "
                    "de la campaña de rebajas: un solo motor que decida qué mensaje recibe cada "
                    "cliente y por dónde. Preferiría no añadir ahora otro flujo aislado."
                ),
            },
        ],
        "close": {
            "by": "marta",
            "statement": (
                "La retiro. Con consentimiento comercial de solo el 34 % de los usuarios de la app "
                ", el alcance sería pequeño, y sin un estado del carrito compartido entre "
                "herramientas nos arriesgamos a duplicar mensajes. Tiene más sentido "
                "incluirla en la orquestación omnicanal que prepara Carmen."
            ),
        },
    },
    # --- CDP proof of concept (withdrawn, English)
    {
        "key": "cdp-vendor",
        "author": "hannah",
        "unit": "datos",
        "title": "Run a paid proof of concept with a customer data platform vendor",
        "summary": (
            "Spend eight weeks and 18,000 € testing a commercial customer data platform with our "
            "web, app and loyalty data before we decide how to build a single customer view."
        ),
        "body": (
            "We keep coming back to the idea of a single customer view, and the question of build "
            "versus buy will come up sooner or later. Commercial customer data platforms include "
            "identity resolution, consent management and activation connectors out of the box.\n\n"
            "**Proposal**\n\n"
            "- An eight-week paid proof of concept with one vendor, chosen from a shortlist of "
            "three.\n"
            "- Scope: web and app events, loyalty card data and email engagement; store tickets "
            "only for card holders.\n"
            "- Success criteria agreed up front: match rate, time to build two audiences and data "
            "freshness.\n"
            "- Cost: 18,000 € for the vendor plus about 60 Datalia hours.\n\n"
            "**How we will measure it**\n\n"
            "Share of customer records matched across sources, and the time to activate an "
            "audience in email and paid media compared with today's manual process, which takes "
            "about five days."
        ),
        "impact": {
            "metric": "Customer records matched across web, app and loyalty",
            "baseline": "unknown",
            "target": "70 %",
            "by_days": 60,
        },
        "tags": ["vista-unica", "datos"],
        "visibility": "participants",
        "rule": "decider",
        "participants": {
            "javier": "decider",
            "nuria": "required",
            "lucia": "consulted",
            "diego": "consulted",
        },
        "start_days_ago": 48,
        "span_days": 10,
        "deadline_days": 30,
        "language": "en",
        "state": "withdrawn",
        "related": ["vista-unica-cliente"],
        "steps": [
            {
                "argue": "a1",
                "by": "nuria",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "I'd rather not buy a tool before we understand our own data. A CDP does not "
                    "fix bad data: if 14 fields hold emails in four formats and phone numbers have "
                    "no country code, the vendor's identity resolution will match badly and we'll "
                    "end up blaming the tool."
                ),
            },
            {
                "argue": "a2",
                "by": "hannah",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "True, but the proof of concept would tell us exactly how bad the match is "
                    "with real data. That diagnosis is useful whether we end up buying or building."
                ),
            },
            {
                "argue": "a3",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "The annual licence for the shortlisted vendors is between 120,000 and 180,000 "
                    "€. Is there any budget for that next year, or are we running a proof of "
                    "concept for a purchase we can't make?"
                ),
            },
            {
                "argue": "a4",
                "by": "lucia",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "There is no budget for a licence of that size next year unless there is a "
                    "business case behind it. Before talking to any vendor, I want to see what a "
                    "single customer view would be worth for us."
                ),
            },
            {
                "argue": "a5",
                "by": "diego",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "The 60 Datalia hours would come out of the tagging and consent work. I'd "
                    "rather finish those first: a CDP fed with today's tagging would simply "
                    "inherit its problems."
                ),
            },
        ],
        "close": {
            "by": "hannah",
            "statement": (
                "I'm withdrawing this. Lucía made it clear there is no budget for a licence "
                "without a business case, and Nuria is right that the data quality work has "
                "to come first. Nuria is preparing a single customer view proposal; the "
                "build-or-buy question will be part of its second phase, with real match rates."
            ),
        },
    },
    # --- loyalty tiers (open, deadline past)
    {
        "key": "fidelizacion-niveles",
        "author": "carmen",
        "unit": "marketing",
        "title": "Brisa+ por niveles: Plata, Oro y Platino",
        "summary": (
            "Convertir el programa de fidelización, hoy con un único nivel, en tres niveles según "
            "el gasto anual, con ventajas crecientes en tienda y online."
        ),
        "body": (
            "Brisa+ tiene 640.000 socios, pero solo el 28 % compra al menos una vez al trimestre. "
            "El programa da un punto por euro y un cheque cada 500 puntos: un cliente que gasta "
            "2.000 € al año recibe el mismo trato que uno que gasta 50 €.\n\n"
            "**Propuesta**\n\n"
            "- Plata (todos los socios): el programa actual.\n"
            "- Oro (más de 300 € al año): envío gratuito sin mínimo y acceso anticipado a "
            "rebajas.\n"
            "- Platino (más de 900 € al año): todo lo anterior, devoluciones en 45 días y una "
            "jornada de compra privada al año en tienda.\n"
            "- El nivel se calcula con las compras de los últimos 12 meses y se revisa cada "
            "trimestre.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Socios activos cada trimestre (de 28 % a 35 % en seis meses) y gasto medio de los "
            "socios que suben de nivel frente a socios similares que no lo hacen."
        ),
        "impact": {
            "metric": "Socios activos cada trimestre",
            "baseline": "28 %",
            "target": "35 %",
            "by_days": 180,
        },
        "tags": ["fidelizacion", "envios"],
        "visibility": "organisation",
        "rule": "decider",
        "participants": {
            "lucia": "decider",
            "marta": "required",
            "raul": "required",
            "nuria": "consulted",
            "ana": "consulted",
            "pilar": "consulted",
        },
        "start_days_ago": 45,
        "span_days": 40,
        "deadline_days": 48,
        "language": "es",
        "state": "open",
        "related": ["vista-unica-cliente"],
        "steps": [
            {
                "argue": "a1",
                "by": "raul",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Qué ventajas tiene un socio que solo compra en tienda? El envío gratuito no "
                    "le dice nada, y el acceso anticipado a rebajas, si es solo online, tampoco."
                ),
            },
            {
                "argue": "a2",
                "by": "carmen",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "El acceso anticipado será también en tienda: una tarde de preventa para Oro y "
                    "Platino la víspera del inicio de rebajas. Y la jornada privada de Platino es "
                    "exclusivamente en tienda."
                ),
            },
            {
                "argue": "a3",
                "by": "marta",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "El envío gratuito sin mínimo para Oro me preocupa: con un coste medio de "
                    "envío de 5,90 € y la frecuencia de compra actual, estimo unos 210.000 € al "
                    "año. Antes de aprobarlo necesito ver cuánto gasto adicional esperamos a "
                    "cambio."
                ),
            },
            {
                "argue": "a4",
                "by": "ana",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Los niveles funcionan cuando el siguiente escalón parece alcanzable. Con los "
                    "datos de Brisa+, el 60 % de los socios activos gasta menos de 300 € al año. "
                    "Quizá el umbral de Oro debería estar en 200 € para que una parte relevante "
                    "tenga un objetivo realista."
                ),
            },
            {
                "argue": "a5",
                "by": "nuria",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Un problema práctico: el 62 % de las compras en tienda no está asociado a "
                    "ningún socio, porque no se pide la tarjeta. El gasto anual que calculemos "
                    "estará infravalorado para muchos clientes de tienda. Esto depende de la "
                    "unificación de clientes que estamos preparando."
                ),
            },
            {
                "argue": "a6",
                "by": "carmen",
                "stance": "comment",
                "reply_to": "a5",
                "body": (
                    "Podemos empezar contando compras online y compras con tarjeta, y comunicar "
                    "claramente que para sumar en tienda hay que presentar la tarjeta. Eso además "
                    "ayudaría a la identificación en caja."
                ),
            },
            {
                "position": "agree",
                "by": "raul",
                "reason": "Con la preventa en tienda, los socios de tienda también ganan.",
            },
            {
                "position": "agree",
                "by": "pilar",
                "reason": "Un programa con niveles nos da argumentos en atención.",
            },
            {
                "position": "disagree",
                "by": "marta",
                "reason": "Sin una estimación de retorno del envío gratuito, no.",
            },
            {
                "argue": "a7",
                "by": "lucia",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "El plazo ha vencido y sigo esperando la estimación de gasto adicional que "
                    "compensaría el envío gratuito. No decidiré sin ese número; Marta y Ana, os "
                    "pido que la preparéis juntas."
                ),
            },
        ],
    },
    # --- free shipping threshold (open, deadline past)
    {
        "key": "envio-gratis-39",
        "author": "marta",
        "unit": "ecommerce",
        "title": "Test A/B del umbral de envío gratuito: de 49 € a 39 €",
        "summary": (
            "Probar durante cuatro semanas si bajar el umbral de envío gratuito a 39 € mejora el "
            "negocio online, y no solo la conversión."
        ),
        "body": (
            "El 27 % de los carritos que se abandonan en el paso de envío tienen un importe entre "
            "39 y 49 €. En la encuesta de salida del checkout, «gastos de envío» es el primer "
            "motivo de abandono, por delante del precio y de los plazos de entrega.\n\n"
            "**Propuesta**\n\n"
            "- Test A/B 50/50 durante cuatro semanas: umbral de envío gratuito de 49 € (control) "
            "frente a 39 €.\n"
            "- Mismos precios, promociones y comunicación en ambas variantes.\n"
            "- Fuera de rebajas y de Black Friday, según la política de tests.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Métrica principal: conversión de las sesiones con carrito. Secundarias: ticket medio "
            "y coste de envío por pedido."
        ),
        "impact": {
            "metric": "Conversión de sesiones con carrito",
            "baseline": "31 %",
            "target": "33 %",
            "by_days": 45,
        },
        "tags": ["checkout", "ab-test", "envios"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "carmen": "decider",
            "lucia": "required",
            "oliver": "consulted",
            "diego": "consulted",
            "raul": "consulted",
            "ana": "consulted",
        },
        "start_days_ago": 36,
        "span_days": 18,
        "deadline_days": 28,
        "language": "es",
        "state": "open",
        "related": ["sample-size-policy"],
        "steps": [
            {
                "argue": "a1",
                "by": "oliver",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Good candidate for a test. Two design points: randomise by user, not by "
                    "session, or people will see two thresholds in the same week; and make gross "
                    "margin per visitor the primary metric. Conversion will almost certainly go "
                    "up; the question is whether it pays for the shipping."
                ),
            },
            {
                "argue": "a2",
                "by": "diego",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Según la política de tests, cuatro semanas completas y fuera de la primera "
                    "semana de rebajas. Con el tráfico actual, para detectar un 5 % de diferencia "
                    "en margen por visitante necesitamos unos 180.000 usuarios por variante, algo "
                    "más de tres semanas."
                ),
            },
            {
                "argue": "a3",
                "by": "lucia",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Cada envío nos cuesta 5,90 € de media. Si la mitad de los pedidos entre 39 y "
                    "49 € pasan a tener envío gratuito, el margen de ese tramo desaparece. No "
                    "quiero que un aumento de la conversión nos haga olvidar eso."
                ),
            },
            {
                "argue": "a4",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "That's exactly why conversion should not be the primary metric. And if margin "
                    "per visitor drops by more than 2 % at any weekly check, we stop the test: "
                    "that's a guardrail, which the test policy explicitly allows."
                ),
            },
            {
                "argue": "a5",
                "by": "raul",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "La recogida en tienda ya es gratuita. Si el envío a casa gratis baja a 39 €, "
                    "¿no perderemos recogidas? Cada recogida trae al cliente a la tienda, y un 20 "
                    "% compra algo más cuando viene."
                ),
            },
            {
                "argue": "a6",
                "by": "marta",
                "stance": "comment",
                "reply_to": "a5",
                "body": (
                    "Lo mediremos como métrica secundaria: proporción de pedidos con recogida en "
                    "tienda en cada variante. Si cae de forma apreciable, lo tendremos en cuenta "
                    "en la decisión."
                ),
            },
            {
                "revise": {
                    "summary": (
                        "Probar durante cuatro semanas si bajar el umbral de envío gratuito a 39 € "
                        "aumenta el margen bruto por visitante, con una parada de seguridad si el "
                        "margen cae."
                    ),
                    "body": (
                        "El 27 % de los carritos que se abandonan en el paso de envío tienen un "
                        "importe entre 39 y 49 €. En la encuesta de salida del checkout, «gastos "
                        "de envío» es el primer motivo de abandono, por delante del precio y de "
                        "los plazos de entrega.\n\n"
                        "**Propuesta**\n\n"
                        "- Test A/B 50/50, aleatorizado por usuario, durante cuatro semanas: "
                        "umbral de envío gratuito de 49 € (control) frente a 39 €.\n"
                        "- Mismos precios, promociones y comunicación en ambas variantes.\n"
                        "- Fuera de rebajas y de Black Friday, según la política de tests.\n"
                        "- Parada de seguridad: si el margen por visitante de la variante cae más "
                        "de un 2 % en un control semanal, se detiene el test.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Métrica principal: margen bruto por visitante. Secundarias: conversión de "
                        "las sesiones con carrito, ticket medio, coste de envío por pedido y "
                        "proporción de pedidos con recogida en tienda."
                    ),
                },
                "by": "marta",
                "note": (
                    "Cambio la métrica principal a margen bruto por visitante, añado una "
                    "parada de seguridad si cae más de un 2 % en un control semanal, "
                    "aleatorización por usuario y la cuota de recogida en tienda como métrica "
                    "secundaria."
                ),
            },
            {
                "argue": "a7",
                "by": "raul",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "Me vale, pero quiero ver también las ventas adicionales en tienda de quienes "
                    "vienen a recoger, no solo la cuota de recogidas. Es ahí donde está el valor "
                    "para nosotros."
                ),
            },
            {
                "position": "agree",
                "by": "oliver",
                "reason": "Margin per visitor as primary metric makes this a fair test.",
            },
            {
                "position": "agree",
                "by": "diego",
                "reason": "Diseño correcto y duración suficiente.",
            },
            {
                "position": "agree",
                "by": "ana",
                "reason": "Con la parada de seguridad, el riesgo está acotado.",
            },
            {
                "position": "disagree",
                "by": "lucia",
                "reason": "El riesgo de margen me parece alto incluso como test.",
            },
            {
                "position": "abstain",
                "by": "raul",
                "reason": "Depende de lo que pase con las recogidas en tienda.",
            },
        ],
    },
    # --- single customer view (open, rich)
    {
        "key": "vista-unica-cliente",
        "author": "nuria",
        "unit": "datos",
        "title": "Vista única de cliente: unir web, app, tarjeta Brisa+ y tiendas",
        "summary": (
            "Unificar en el almacén de datos los registros de cliente de la web, la app, Brisa+ y "
            "el contact center en una ficha única, con reglas de identificación deterministas y el "
            "consentimiento de cada canal."
        ),
        "body": (
            "Tenemos 1,9 millones de registros de cliente repartidos en cuatro sistemas, que "
            "estimamos corresponden a 1,1 millones de personas. Solo el 38 % de las ventas de "
            "tienda se asocia a un cliente identificado. Consecuencias: campañas que llegan dos "
            "veces a la misma persona, un programa de fidelización que no ve el gasto real y "
            "ninguna forma de medir el efecto de los canales digitales en tienda.\n\n"
            "**Propuesta (fase 1, cuatro meses)**\n\n"
            "- Reglas deterministas de identificación: email verificado, teléfono normalizado y "
            "número de tarjeta Brisa+.\n"
            "- Ficha única de cliente en el almacén de datos, con historial de cambios y "
            "consentimientos por canal.\n"
            "- Búsqueda por teléfono en el TPV para asociar tickets a clientes.\n"
            "- Coste estimado: 85.000 € (60 % Datalia, 40 % equipo interno).\n\n"
            "**Cómo lo mediremos**\n\n"
            "Ventas de tienda asociadas a un cliente identificado (de 38 % a 55 % en seis meses) y "
            "registros duplicados eliminados."
        ),
        "impact": {
            "metric": "Ventas de tienda asociadas a un cliente identificado",
            "baseline": "38 %",
            "target": "55 %",
            "by_days": 180,
        },
        "tags": ["vista-unica", "datos", "rgpd"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "lucia": "decider",
            "carmen": "required",
            "javier": "required",
            "raul": "required",
            "pilar": "consulted",
            "rosa": "consulted",
            "hannah": "consulted",
            "pablo": "consulted",
            "diego": "consulted",
            "marta": "informed",
        },
        "start_days_ago": 30,
        "span_days": 26,
        "deadline_days": 45,
        "language": "es",
        "state": "open",
        "steps": [
            {
                "argue": "a1",
                "by": "hannah",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Starting with deterministic rules is the right call. Fuzzy matching on names "
                    "performs badly with Spanish compound surnames and shared family emails: in a "
                    "previous project it merged parents and children into a single customer. "
                    "Better to keep some duplicates than to create false merges."
                ),
            },
            {
                "argue": "a2",
                "by": "raul",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "Para pasar del 38 % al 55 % de ventas identificadas, en caja habrá que pedir "
                    "el teléfono o la tarjeta a más clientes. ¿Quién forma al personal y cuánto "
                    "tiempo añade a cada cobro?"
                ),
            },
            {
                "argue": "a3",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "La búsqueda por teléfono en el TPV tarda unos ocho segundos. Prepararíamos un "
                    "módulo de formación de 20 minutos en la plataforma de tiendas, y los jefes de "
                    "zona harían el seguimiento durante el primer mes."
                ),
            },
            {
                "argue": "a4",
                "by": "ines",
                "stance": "against",
                "reply_to": "a3",
                "body": (
                    "Ocho segundos por 400 tickets un sábado en Valencia Centro son casi 55 "
                    "minutos más de cola repartidos en el día. En rebajas, con colas de quince "
                    "personas, los cajeros no lo van a preguntar, y con razón."
                ),
            },
            {
                "argue": "a5",
                "by": "raul",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "Se podría pedir solo en tickets de más de 30 €, que son la mitad de los "
                    "tickets pero el 80 % de las ventas, y no pedirlo en las semanas de máxima "
                    "afluencia."
                ),
            },
            {
                "argue": "a6",
                "by": "rosa",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Unir datos de canales distintos para construir un perfil es un tratamiento "
                    "nuevo. Hay que revisar la política de privacidad y las condiciones de Brisa+ "
                    "y hacer una evaluación de impacto antes de empezar. Los consentimientos de "
                    "cada canal deben conservarse tal como se dieron, no fusionarse."
                ),
            },
            {
                "argue": "a7",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "Incluimos la evaluación de impacto en la fase 1; calculamos tres semanas de "
                    "trabajo con Rosa. Y la ficha guarda cada consentimiento con su canal, fecha y "
                    "texto aceptado, sin fusionarlos."
                ),
            },
            {
                "argue": "a8",
                "by": "javier",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Cuatro meses me parece optimista. La búsqueda por teléfono en el TPV requiere "
                    "un desarrollo del proveedor, que nos ha dado un plazo de seis a ocho semanas "
                    "solo para presupuestarlo. Si la fase 1 depende del TPV, no acaba en cuatro "
                    "meses."
                ),
            },
            {
                "position": "disagree",
                "by": "javier",
                "reason": "Con el TPV dentro de la fase 1, el plazo no es realista.",
            },
            {
                "argue": "a9",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a8",
                "body": (
                    "La ficha única no depende del TPV: podemos construirla con los datos que ya "
                    "tenemos de tarjeta, web, app y contact center. La búsqueda en caja puede ir "
                    "en una fase 1b, cuando el proveedor entregue."
                ),
            },
            {
                "argue": "a10",
                "by": "carmen",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Marketing la necesita para casi todo lo que tenemos en cola: niveles de "
                    "Brisa+, orquestación entre canales y medir el efecto de las campañas en "
                    "tienda. Hoy enviamos el mismo catálogo dos veces a unos 90.000 hogares."
                ),
            },
            {
                "argue": "a11",
                "by": "diego",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "Si un cliente tiene un email en su cuenta web y otro distinto en el "
                    "formulario de la tarjeta, ¿cuál manda? Necesitamos una regla clara o cada "
                    "sistema seguirá usando el suyo."
                ),
            },
            {
                "argue": "a12",
                "by": "hannah",
                "stance": "comment",
                "reply_to": "a11",
                "body": (
                    "The most recent verified value wins, and we keep the full history. Verified "
                    "means confirmed through a double opt-in email, a successful login or an "
                    "identity check by an agent."
                ),
            },
            {
                "argue": "a13",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a12",
                "body": (
                    "Y las actualizaciones que hace el contact center tras verificar la identidad "
                    "cuentan como verificadas. Es una de las fuentes más fiables que tenemos, "
                    "porque el agente habla con el cliente."
                ),
            },
            {
                "argue": "a14",
                "by": "lucia",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "85.000 € es una cifra considerable para un año en el que recortamos en otras "
                    "partidas. ¿Qué retorno esperamos? Necesito una estimación, aunque sea "
                    "conservadora, antes de decidir."
                ),
            },
            {
                "argue": "a15",
                "by": "carmen",
                "stance": "comment",
                "reply_to": "a14",
                "body": (
                    "El ahorro directo más claro es el catálogo: 90.000 envíos duplicados a 1,10 € "
                    "son unos 100.000 € al año con dos catálogos. A eso se suma una mejor "
                    "segmentación de campañas, que es más difícil de cuantificar."
                ),
            },
            {
                "argue": "a16",
                "by": "pablo",
                "stance": "comment",
                "reply_to": "a14",
                "body": (
                    "Añadiría la medición: hoy el 62 % de las ventas de tienda no se puede "
                    "relacionar con ninguna campaña. Con la ficha única podríamos medir el efecto "
                    "del email en tienda, donde está el 70 % de la facturación. En otros clientes "
                    "eso ha permitido recortar un 10-15 % de inversión en campañas que no movían "
                    "ventas."
                ),
            },
            {
                "argue": "a17",
                "by": "lucia",
                "stance": "comment",
                "reply_to": "a16",
                "body": (
                    "De acuerdo, pero quiero ver un escenario conservador por escrito, con "
                    "supuestos explícitos y propios, no rangos de otros clientes."
                ),
            },
            {
                "revise": {
                    "body": (
                        "Tenemos 1,9 millones de registros de cliente repartidos en cuatro "
                        "sistemas, que estimamos corresponden a 1,1 millones de personas. Solo el "
                        "38 % de las ventas de tienda se asocia a un cliente identificado. "
                        "Consecuencias: campañas que llegan dos veces a la misma persona, un "
                        "programa de fidelización que no ve el gasto real y ninguna forma de medir "
                        "el efecto de los canales digitales en tienda.\n\n"
                        "**Fase 1a (10 semanas, 52.000 €)**\n\n"
                        "- Evaluación de impacto y revisión de la política de privacidad y de las "
                        "condiciones de Brisa+.\n"
                        "- Reglas deterministas: email verificado, teléfono normalizado y tarjeta "
                        "Brisa+; gana el último valor verificado y se guarda el historial.\n"
                        "- Ficha única en el almacén de datos con los datos existentes, "
                        "conservando cada consentimiento con su canal y fecha.\n\n"
                        "**Fase 1b (cuando entregue el proveedor del TPV)**\n\n"
                        "- Búsqueda por teléfono en caja solo en tickets de más de 30 €, con "
                        "opción de saltarla y nunca en semanas pico.\n\n"
                        "**Escenario conservador**\n\n"
                        "100.000 € al año de ahorro en catálogos duplicados y 40.000 € por "
                        "reasignar un 3 % de la inversión en campañas: 140.000 € al año.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Ventas de tienda asociadas a un cliente identificado (de 38 % a 55 % en "
                        "seis meses) y registros duplicados eliminados."
                    ),
                },
                "by": "nuria",
                "note": (
                    "Versión 2. Separo la fase 1a (ficha única con datos existentes y evaluación "
                    "de impacto) de la fase 1b (búsqueda en el TPV), como sugería Pablo, "
                    "porque el plazo del proveedor no depende de nosotros. En tienda solo se "
                    "pedirá el teléfono en tickets de más de 30 € y nunca en semanas pico. "
                    "Añado la regla del último valor verificado, la conservación "
                    "de consentimientos y el escenario conservador que pedía Lucía."
                ),
            },
            {
                "argue": "a18",
                "by": "ines",
                "stance": "for",
                "reply_to": "a5",
                "body": (
                    "Con la regla de los 30 € y sin preguntar en semanas pico, lo veo viable en "
                    "tienda. Pediría que el TPV permita saltar la pregunta con una sola tecla, "
                    "para no bloquear la cola cuando el cliente no quiere dar el teléfono."
                ),
            },
            {
                "argue": "a19",
                "by": "javier",
                "stance": "comment",
                "reply_to": "a8",
                "body": (
                    "Con la fase 1a separada del TPV, diez semanas son factibles si Datalia aporta "
                    "dos personas a tiempo completo. La fase 1b la planificaremos cuando tengamos "
                    "el presupuesto del proveedor."
                ),
            },
            {
                "position": "agree",
                "by": "javier",
                "reason": "Con la fase 1a separada del TPV, el plazo es razonable.",
            },
            {
                "position": "agree",
                "by": "carmen",
                "reason": "Es la base de casi todo lo que marketing tiene pendiente.",
            },
            {
                "position": "agree",
                "by": "hannah",
                "reason": "Deterministic rules and a phased plan: the right way to start.",
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "El escenario conservador se sostiene solo con el catálogo.",
            },
            {
                "position": "agree",
                "by": "rosa",
                "reason": "Con la evaluación de impacto al inicio y los consentimientos separados.",
            },
            {
                "position": "abstain",
                "by": "raul",
                "reason": "Espero a ver cómo funciona la pregunta en caja en un piloto.",
            },
            {
                "position": "agree",
                "by": "diego",
                "reason": "La regla del último valor verificado resuelve mi duda.",
            },
        ],
    },
    # --- closing the loop (open)
    {
        "key": "cerrar-bucle",
        "author": "elena",
        "unit": "atencion",
        "title": "Cerrar el ciclo con los detractores: motivo codificado y respuesta en 30 días",
        "summary": (
            "Registrar con una lista común de motivos cada contacto con un detractor, revisar cada "
            "mes las tres causas principales por zona y contar al cliente qué hemos cambiado."
        ),
        "body": (
            "El piloto de alertas en Levante ha funcionado: el 81 % de los detractores que "
            "pidieron contacto fue llamado en 48 horas. Pero lo que se habla en esas llamadas se "
            "registra en texto libre y se pierde: no sabemos qué causas se repiten ni si alguien "
            "las está resolviendo.\n\n"
            "**Propuesta**\n\n"
            "- Al cerrar una alerta, el gerente o el agente elige un motivo de una lista de 12, la "
            "misma que usa el contact center, y añade un comentario.\n"
            "- Cada mes, cada jefe de zona revisa con sus gerentes las tres causas más frecuentes "
            "y acuerda una acción.\n"
            "- Cuando una causa se corrige, se avisa en un plazo de 30 días a los clientes que se "
            "quejaron de ella.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Alertas cerradas con motivo codificado (objetivo: 95 %), acciones acordadas por zona "
            "y mes, y NPS de los detractores contactados en su siguiente compra."
        ),
        "impact": {
            "metric": "Alertas cerradas con motivo codificado",
            "baseline": "0 %",
            "target": "95 %",
            "by_days": 60,
        },
        "tags": ["cierre-del-ciclo", "nps", "crm"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "pilar": "decider",
            "raul": "required",
            "ines": "consulted",
            "diego": "consulted",
            "ana": "consulted",
        },
        "start_days_ago": 25,
        "span_days": 20,
        "deadline_days": 35,
        "language": "es",
        "state": "open",
        "related": ["alertas-detractores"],
        "steps": [
            {
                "argue": "a1",
                "by": "ines",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "En Levante ya vemos patrones en las llamadas: probadores cerrados a mediodía "
                    "por falta de personal y colas en las cajas de autoservicio. Pero esos "
                    "patrones están en mi cabeza y en la de los gerentes, no en ningún sitio donde "
                    "se puedan contar."
                ),
            },
            {
                "argue": "a2",
                "by": "raul",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Doce motivos no son demasiados para un gerente que cierra la alerta desde el "
                    "móvil? Si la lista es larga, todo acabará en «otros»."
                ),
            },
            {
                "argue": "a3",
                "by": "elena",
                "stance": "comment",
                "reply_to": "a2",
                "body": (
                    "Es un desplegable con los mismos doce motivos que usa el contact center desde "
                    "hace dos años, y allí «otros» se queda por debajo del 7 %. Usar la misma "
                    "lista nos permite comparar tienda y contact center."
                ),
            },
            {
                "argue": "a4",
                "by": "diego",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Además del motivo, conviene que el comentario libre sea obligatorio. Con unos "
                    "cientos de comentarios al mes podemos aplicar un análisis de texto sencillo "
                    "para detectar causas nuevas que no están en la lista."
                ),
            },
            {
                "argue": "a5",
                "by": "ana",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Avisar al cliente cuando se corrige algo es lo que más impacto tiene en la "
                    "recuperación: un mensaje del tipo «nos lo dijiste y lo hemos cambiado» a "
                    "todos los clientes que se quejaron de lo mismo."
                ),
            },
            {
                "argue": "a6",
                "by": "raul",
                "stance": "against",
                "reply_to": "a5",
                "body": (
                    "Con cuidado: si prometemos cambios que luego no podemos hacer, o que tardan "
                    "un año, el cliente queda peor que antes. Solo avisaría cuando el cambio ya "
                    "está hecho, nunca antes."
                ),
            },
            {
                "argue": "a7",
                "by": "pilar",
                "stance": "comment",
                "reply_to": "a6",
                "body": (
                    "De acuerdo, la propuesta ya dice «cuando una causa se corrige», pero conviene "
                    "dejarlo explícito: nunca se comunica un cambio que no esté implantado."
                ),
            },
            {
                "revise": {
                    "body": (
                        "El piloto de alertas en Levante ha funcionado: el 81 % de los detractores "
                        "que pidieron contacto fue llamado en 48 horas. Pero lo que se habla en "
                        "esas llamadas se registra en texto libre y se pierde: no sabemos qué "
                        "causas se repiten ni si alguien las está resolviendo.\n\n"
                        "**Propuesta**\n\n"
                        "- Al cerrar una alerta, el gerente o el agente elige un motivo de una "
                        "lista de 12, la misma que usa el contact center, y escribe un comentario "
                        "obligatorio.\n"
                        "- Los comentarios se analizan cada mes para detectar causas nuevas que no "
                        "estén en la lista.\n"
                        "- Cada mes, cada jefe de zona revisa con sus gerentes las tres causas más "
                        "frecuentes y acuerda una acción.\n"
                        "- Solo cuando un cambio está implantado se avisa, en un plazo de 30 días, "
                        "a los clientes que se quejaron de esa causa. Nunca se anuncian cambios "
                        "futuros.\n\n"
                        "**Cómo lo mediremos**\n\n"
                        "Alertas cerradas con motivo codificado (objetivo: 95 %), acciones "
                        "acordadas por zona y mes, y NPS de los detractores contactados en su "
                        "siguiente compra."
                    ),
                },
                "by": "elena",
                "note": (
                    "Dejo explícito que solo se comunica a los clientes un cambio ya implantado "
                    " y hago obligatorio el comentario libre para poder analizarlo."
                ),
            },
            {"position": "agree", "by": "ines", "reason": "Es el paso que le faltaba al piloto."},
            {
                "position": "agree",
                "by": "diego",
                "reason": "Con comentario obligatorio podremos analizar causas nuevas.",
            },
            {
                "position": "agree",
                "by": "ana",
                "reason": "Cerrar el ciclo con el cliente es donde está el valor.",
            },
        ],
    },
    # --- internal support for stores (open)
    {
        "key": "soporte-interno-tiendas",
        "author": "raul",
        "unit": "tiendas",
        "title": "Canal interno para que el personal de tienda registre la voz del cliente",
        "summary": (
            "Un formulario de tres campos en la app de tienda para que los empleados registren las "
            "quejas y sugerencias que escuchan cada día, con una respuesta mensual sobre lo que se "
            "ha cambiado."
        ),
        "body": (
            "El personal de tienda escucha cada día comentarios que nunca llegan a la central: "
            "tallas que siempre faltan, un probador que no cierra, un producto que todo el mundo "
            "pregunta y no tenemos. Hoy esa información se queda en la conversación o, como mucho, "
            "en el grupo de mensajería de la tienda.\n\n"
            "**Propuesta**\n\n"
            "- Un formulario en la app de tienda con tres campos: tema (lista corta), comentario y "
            "tienda, que se rellena en menos de un minuto.\n"
            "- Los registros llegan al almacén de datos y se analizan cada semana.\n"
            "- Cada jefe de zona revisa los de su zona y cada mes se publica una nota «lo que "
            "hemos cambiado gracias a vosotros».\n\n"
            "**Cómo lo mediremos**\n\n"
            "Registros al mes (objetivo: 300 a los tres meses) y mejoras implantadas a partir de "
            "ellos (objetivo: 5 por trimestre)."
        ),
        "impact": {
            "metric": "Comentarios de clientes registrados por las tiendas",
            "baseline": "0",
            "target": "300 al mes",
            "by_days": 90,
        },
        "tags": ["soporte-interno", "tiendas"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "lucia": "decider",
            "pilar": "required",
            "javier": "required",
            "ines": "consulted",
            "elena": "consulted",
            "nuria": "consulted",
        },
        "start_days_ago": 20,
        "span_days": 14,
        "deadline_days": 30,
        "language": "es",
        "state": "open",
        "steps": [
            {
                "argue": "a1",
                "by": "ines",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "Mis gerentes me mandan fotos por mensajería de cosas que los clientes piden y "
                    "no sé dónde ponerlas. Un sitio único donde registrarlo me ahorra tiempo y me "
                    "permite sumar lo que pasa en varias tiendas a la vez."
                ),
            },
            {
                "argue": "a2",
                "by": "elena",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Propongo que la lista de temas sea la misma que usamos en el contact center y "
                    "en las alertas de detractores. Así podremos comparar lo que se oye en tienda, "
                    "por teléfono y en las encuestas."
                ),
            },
            {
                "argue": "a3",
                "by": "javier",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "La app de tienda es una aplicación web y añadir un formulario es un sprint. "
                    "¿Dónde se guardan los datos y quién tiene acceso? No quiero montar otra base "
                    "de datos aparte que luego nadie mantenga."
                ),
            },
            {
                "argue": "a4",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "Directamente al almacén de datos, en el dominio de atención. Para el análisis "
                    "empezaríamos con una clasificación sencilla por tema y palabras clave; si el "
                    "volumen crece, veremos algo más sofisticado."
                ),
            },
            {
                "argue": "a5",
                "by": "pilar",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Lo crítico es la respuesta. Si el personal registra cosas y nunca ve ningún "
                    "resultado, dejará de usarlo en dos meses. ¿Quién contesta y con qué "
                    "compromiso?"
                ),
            },
            {
                "argue": "a6",
                "by": "raul",
                "stance": "comment",
                "reply_to": "a5",
                "body": (
                    "Cada jefe de zona revisa los registros de su zona cada semana, y la nota "
                    "mensual de «lo que hemos cambiado» la firmo yo. Si en un mes no hay ningún "
                    "cambio, también lo diremos, y explicaremos por qué."
                ),
            },
            {
                "position": "agree",
                "by": "ines",
                "reason": "Me ahorra tiempo y da visibilidad a lo que oyen las tiendas.",
            },
            {
                "position": "agree",
                "by": "elena",
                "reason": "Con la misma lista de temas que el contact center.",
            },
            {
                "position": "agree",
                "by": "nuria",
                "reason": "Sin bases de datos paralelas, de acuerdo.",
            },
        ],
    },
    # --- product page reviews test (open, English)
    {
        "key": "pdp-reviews-test",
        "author": "oliver",
        "unit": "ecommerce",
        "title": "A/B test: review snippets above the fold on product pages",
        "summary": (
            "Show the average rating and the two most helpful review extracts next to the price on "
            "product pages that have at least three reviews."
        ),
        "body": (
            "Reviews currently sit at the bottom of the product page, below the size guide and the "
            "care instructions. Scroll maps show that only 19 % of mobile visitors reach them, yet "
            "sessions that interact with reviews convert 2.3 times more often. Correlation is not "
            "causation, which is exactly why this should be a test.\n\n"
            "**Proposal**\n\n"
            "- Variant B shows the star rating, the number of reviews and two short extracts just "
            "below the price.\n"
            "- Only on product pages with three or more reviews.\n"
            "- 50/50 split by user for four full weeks, following the A/B test policy.\n\n"
            "**How we will measure it**\n\n"
            "Primary metric: add-to-cart rate on eligible product pages (today 7.8 %). Guardrails: "
            "page load time and the return rate of purchased items."
        ),
        "impact": {
            "metric": "Add-to-cart rate on product pages with reviews",
            "baseline": "7.8 %",
            "target": "8.4 %",
            "by_days": 45,
        },
        "tags": ["ab-test", "ficha-de-producto"],
        "visibility": "organisation",
        "rule": "majority",
        "participants": {
            "marta": "decider",
            "diego": "required",
            "pablo": "consulted",
            "carmen": "consulted",
            "javier": "informed",
        },
        "start_days_ago": 15,
        "span_days": 12,
        "deadline_days": 30,
        "language": "en",
        "state": "open",
        "related": ["sample-size-policy"],
        "steps": [
            {
                "argue": "a1",
                "by": "marta",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "How many product pages actually have three reviews or more? If it's a small "
                    "share of the catalogue, the effect on total sales will be tiny, however good "
                    "the uplift."
                ),
            },
            {
                "argue": "a2",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "41 % of products have at least three reviews, but they account for 68 % of "
                    "product page views, because the products with reviews are the ones that sell. "
                    "So most of the traffic is eligible."
                ),
            },
            {
                "argue": "a3",
                "by": "diego",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "On mobile, above the fold is very little space. If the snippets push the "
                    "price or the size selector down, we could lose more than we gain. I'd like to "
                    "see the mobile mock-up before we launch."
                ),
            },
            {
                "argue": "a4",
                "by": "oliver",
                "stance": "comment",
                "reply_to": "a3",
                "body": (
                    "The mobile variant keeps price and size selector in place and replaces the "
                    "breadcrumb, which almost nobody uses on mobile (0.6 % of taps). I'll share "
                    "the mock-ups this week."
                ),
            },
            {
                "argue": "a5",
                "by": "javier",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "The reviews widget loads around 180 KB of script. If we move it above the "
                    "fold it must be lazy-loaded or rendered server-side, or the page speed "
                    "guardrail will trip on day one."
                ),
            },
            {
                "argue": "a6",
                "by": "pablo",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "The eligibility rule keeps the test clean, and add-to-cart is frequent enough "
                    "to reach the sample size in four weeks. I'd also log which extracts were "
                    "shown, so we can later learn what kind of review content actually helps."
                ),
            },
            {
                "position": "agree",
                "by": "pablo",
                "reason": "Clean design and a metric we can read in four weeks.",
            },
            {
                "position": "agree",
                "by": "diego",
                "reason": "Fine if the mobile mock-up keeps price and sizes where they are.",
            },
        ],
    },
    # --- NPS in store managers' bonus (open, participants)
    {
        "key": "bonus-nps-gerentes",
        "author": "raul",
        "unit": "tiendas",
        "title": "Vincular el 10 % del variable de los gerentes al NPS de su tienda",
        "summary": (
            "Que una parte del variable anual de los gerentes de tienda dependa de la mejora del "
            "NPS de su tienda, y no solo de las ventas."
        ),
        "body": (
            "Desde el piloto de alertas, el NPS se ha convertido en una conversación habitual en "
            "las tiendas de Levante, pero en el resto de la red sigue siendo una cifra del informe "
            "mensual. Hoy el variable de los gerentes depende al 100 % de las ventas frente a "
            "objetivo, y eso manda un mensaje claro sobre qué es lo importante.\n\n"
            "**Propuesta**\n\n"
            "- Desde el próximo ejercicio, el 10 % del variable anual depende del NPS de la "
            "tienda.\n"
            "- Se mide como mejora frente al año anterior, no como valor absoluto, para no "
            "penalizar tiendas con clientela más exigente.\n"
            "- Las ventas siguen pesando el 90 %.\n\n"
            "**Cómo lo mediremos**\n\n"
            "NPS medio de la red (hoy 31) y dispersión del NPS entre tiendas."
        ),
        "impact": {
            "metric": "NPS medio de la red de tiendas",
            "baseline": "31",
            "target": "36",
            "by_days": 365,
        },
        "tags": ["nps", "tiendas"],
        "visibility": "participants",
        "rule": "decider",
        "participants": {
            "lucia": "decider",
            "ines": "consulted",
            "pilar": "consulted",
            "nuria": "consulted",
        },
        "start_days_ago": 12,
        "span_days": 10,
        "deadline_days": 25,
        "language": "es",
        "state": "open",
        "related": ["alertas-detractores"],
        "steps": [
            {
                "argue": "a1",
                "by": "ines",
                "stance": "against",
                "reply_to": None,
                "body": (
                    "Muchas tiendas reciben entre 30 y 60 encuestas al mes. Con esas cifras el NPS "
                    "sube o baja diez puntos de un mes a otro por puro azar. Vincular dinero a esa "
                    "cifra es premiar o castigar la suerte."
                ),
            },
            {
                "argue": "a2",
                "by": "nuria",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "Se puede mitigar usando el acumulado de 12 meses, exigiendo un mínimo de 100 "
                    "encuestas y fijando el objetivo con su margen de error. Aun así, en las "
                    "tiendas pequeñas la incertidumbre seguirá siendo grande."
                ),
            },
            {
                "argue": "a3",
                "by": "pilar",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Hay otro riesgo: cuando el NPS cuenta para el variable, aparecen los «ponme "
                    "un 10, por favor» en caja. Lo hemos visto en otras empresas y destruye el "
                    "valor de la encuesta como herramienta de mejora."
                ),
            },
            {
                "argue": "a4",
                "by": "raul",
                "stance": "question",
                "reply_to": "a3",
                "body": (
                    "Es un riesgo real. ¿Y si en lugar del NPS usamos una métrica de proceso que "
                    "el gerente sí controla, como el porcentaje de detractores contactados en "
                    "plazo y con el motivo registrado?"
                ),
            },
            {
                "argue": "a5",
                "by": "lucia",
                "stance": "question",
                "reply_to": "a4",
                "body": (
                    "Raúl, la métrica de proceso me parece más justa y más difícil de manipular. "
                    "¿Puedes revisar la propuesta en ese sentido y estimar cuánto pesaría en el "
                    "variable de una tienda media?"
                ),
            },
            {
                "position": "disagree",
                "by": "ines",
                "reason": "Con la volatilidad actual del NPS por tienda, no.",
            },
        ],
    },
    # --- call-centre script (open, unit)
    {
        "key": "guion-call-center",
        "author": "elena",
        "unit": "atencion",
        "title": "Nuevo guion para llamadas de devolución con verificación de identidad",
        "summary": (
            "Añadir al guion del contact center un paso de verificación de identidad antes de "
            "gestionar una devolución, y enviar las condiciones legales por SMS en lugar de "
            "leerlas."
        ),
        "body": (
            "En los últimos tres meses hemos tenido cuatro devoluciones gestionadas por teléfono a "
            "nombre de otra persona, con el abono a una tarjeta distinta. Además, los agentes leen "
            "un texto legal de 50 segundos que la mayoría de los clientes interrumpe.\n\n"
            "**Propuesta**\n\n"
            "- Verificar la identidad con el número de pedido y el código postal de entrega antes "
            "de cualquier gestión.\n"
            "- Sustituir la lectura del texto legal por un SMS con las condiciones y un enlace, "
            "mencionándolo en la llamada.\n"
            "- Formación de 30 minutos para todos los agentes.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Devoluciones fraudulentas por trimestre (de 4 a 0), duración media de la llamada de "
            "devolución y satisfacción tras la llamada."
        ),
        "impact": {
            "metric": "Duración media de las llamadas de devolución",
            "baseline": "6 min 40 s",
            "target": "6 min",
            "by_days": 45,
        },
        "tags": ["atencion-al-cliente", "devoluciones"],
        "visibility": "unit",
        "rule": "consent",
        "participants": {"pilar": "decider", "rosa": "required", "ana": "consulted"},
        "start_days_ago": 10,
        "span_days": 8,
        "deadline_days": 21,
        "language": "es",
        "state": "open",
        "steps": [
            {
                "argue": "a1",
                "by": "pilar",
                "stance": "question",
                "reply_to": None,
                "body": (
                    "¿Cuánto tiempo añade la verificación? Estamos justos de capacidad y cada "
                    "segundo por llamada se nota a final de mes en el nivel de servicio."
                ),
            },
            {
                "argue": "a2",
                "by": "elena",
                "stance": "comment",
                "reply_to": "a1",
                "body": (
                    "En la prueba con tres agentes añadió unos 20 segundos, pero quitar la lectura "
                    "del texto legal ahorra unos 50. En total la llamada sería más corta, no más "
                    "larga."
                ),
            },
            {
                "argue": "a3",
                "by": "rosa",
                "stance": "for",
                "reply_to": None,
                "body": (
                    "La verificación con número de pedido y código postal es proporcionada para "
                    "una devolución. El SMS con las condiciones es válido siempre que el agente lo "
                    "mencione y el cliente pueda pedir que se las lea."
                ),
            },
            {
                "argue": "a4",
                "by": "ana",
                "stance": "comment",
                "reply_to": None,
                "body": (
                    "Sugiero medir también cuántos clientes no superan la verificación y por qué. "
                    "Si muchos no tienen el número de pedido a mano, habrá que ofrecer una "
                    "alternativa, como el email con el que compraron."
                ),
            },
            {
                "argue": "a5",
                "by": "elena",
                "stance": "comment",
                "reply_to": "a4",
                "body": (
                    "Buena idea: añadiré una alternativa con el email de compra y los últimos "
                    "cuatro dígitos de la tarjeta, y registraremos los fallos de verificación para "
                    "revisarlos al mes."
                ),
            },
            {
                "position": "agree",
                "by": "rosa",
                "reason": "Verificación proporcionada y condiciones accesibles por SMS.",
            },
        ],
    },
    # --- drafts
    {
        "key": "recomendaciones-newsletter",
        "author": "pablo",
        "unit": "marketing",
        "title": "Recomendaciones personalizadas en la newsletter semanal",
        "summary": (
            "Sustituir el bloque de productos destacados de la newsletter por recomendaciones "
            "basadas en el historial de navegación y compra de cada suscriptor."
        ),
        "body": (
            "La newsletter semanal llega a 410.000 suscriptores con el mismo bloque de ocho "
            "productos destacados para todos. La tasa de clic es del 1,9 % y lleva un año "
            "bajando.\n\n"
            "**Propuesta**\n\n"
            "- Un bloque de cuatro recomendaciones por suscriptor, calculadas con su historial de "
            "navegación y compra de los últimos 90 días.\n"
            "- Para suscriptores sin historial, los productos más vendidos de su tienda habitual o "
            "de su provincia.\n"
            "- Test A/B durante cuatro semanas frente al bloque actual.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Tasa de clic de la newsletter e ingresos por email enviado, frente al grupo de "
            "control."
        ),
        "impact": {
            "metric": "Tasa de clic de la newsletter",
            "baseline": "1,9 %",
            "target": "2,5 %",
            "by_days": 60,
        },
        "tags": ["campanas", "ab-test"],
        "visibility": "organisation",
        "rule": "decider",
        "participants": {"carmen": "decider", "diego": "consulted", "rosa": "consulted"},
        "start_days_ago": 6,
        "span_days": 2,
        "deadline_days": 21,
        "language": "es",
        "state": "draft",
        "steps": [],
    },
    {
        "key": "encuesta-nps-ticket",
        "author": "raul",
        "unit": "tiendas",
        "title": "Encuesta NPS mediante código QR en el ticket de compra",
        "summary": (
            "Imprimir en el ticket un código QR que lleve a la encuesta NPS, para recoger la "
            "opinión de los clientes de tienda que no están identificados."
        ),
        "body": (
            "Hoy solo enviamos la encuesta NPS a clientes identificados con email, es decir, a "
            "menos del 40 % de las compras de tienda. Las tiendas con clientela poco identificada "
            "tienen tan pocas encuestas que su NPS apenas significa nada.\n\n"
            "**Propuesta**\n\n"
            "- Un código QR al pie del ticket con la pregunta NPS y un campo de comentario.\n"
            "- El QR incluye un código de tienda y de fecha, nunca datos personales.\n"
            "- Opción de dejar un teléfono para que le contactemos, con el mismo aviso de "
            "privacidad que la encuesta actual.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Encuestas recibidas por tienda y mes (objetivo: duplicar la cifra actual) y tiendas "
            "con al menos 100 encuestas por trimestre."
        ),
        "impact": {
            "metric": "Tiendas con al menos 100 encuestas por trimestre",
            "baseline": "34 de 92",
            "target": "80 de 92",
            "by_days": 120,
        },
        "tags": ["nps", "tiendas"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {
            "lucia": "decider",
            "pilar": "required",
            "nuria": "consulted",
            "rosa": "consulted",
        },
        "start_days_ago": 4,
        "span_days": 1,
        "deadline_days": 21,
        "language": "es",
        "state": "draft",
        "steps": [],
    },
    {
        "key": "kpi-atencion",
        "author": "elena",
        "unit": "atencion",
        "title": "Medir coste por contacto y tasa de detracción en atención al cliente",
        "summary": (
            "Añadir al cuadro de mando de atención el coste por contacto de cada canal y el "
            "porcentaje de clientes que se vuelven detractores después de contactar."
        ),
        "body": (
            "El cuadro de mando de atención mide volumen, tiempo de espera y duración de las "
            "llamadas, pero no cuánto cuesta cada contacto según el canal ni si el cliente sale "
            "mejor o peor de lo que entró. Reducir la duración de una llamada no sirve de nada si "
            "el cliente acaba siendo detractor.\n\n"
            "**Propuesta**\n\n"
            "- Coste por contacto en teléfono, email, redes y chat, con la misma metodología para "
            "todos los canales.\n"
            "- Tasa de detracción: porcentaje de clientes que puntúan de 0 a 6 en la encuesta "
            "posterior a un contacto.\n"
            "- Revisión mensual de ambos indicadores junto a los actuales.\n\n"
            "**Cómo lo mediremos**\n\n"
            "Que los dos indicadores estén disponibles cada mes y se usen para decidir la "
            "asignación de agentes entre canales."
        ),
        "impact": None,
        "tags": ["kpis", "atencion-al-cliente"],
        "visibility": "organisation",
        "rule": "consent",
        "participants": {"pilar": "decider", "nuria": "consulted"},
        "start_days_ago": 2,
        "span_days": 1,
        "deadline_days": 21,
        "language": "es",
        "state": "draft",
        "steps": [],
    },
]


if __name__ == "__main__":
    ROLES = {"admin", "member", "observer"}
    PARTICIPANT_ROLES = {"decider", "required", "consulted", "informed"}
    VOTER_ROLES = {"decider", "required", "consulted"}
    STATES = {"draft", "open", "accepted", "rejected", "withdrawn", "abandoned"}
    RULES = {"decider", "consent", "majority", "unanimity"}
    VISIBILITIES = {"organisation", "unit", "participants"}
    STANCES = {"for", "against", "question", "comment"}
    POSITIONS = {"agree", "abstain", "disagree", "block"}
    TAG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
    SPANISH_HINTS = (" que ", " los ", " para ", " con ", " pero ")

    errors: list[str] = []

    def err(where: str, message: str) -> None:
        errors.append(f"{where}: {message}")

    def words(text: str) -> int:
        return len(text.split())

    def check_words(where: str, text: object, low: int, high: int) -> None:
        if not isinstance(text, str) or not text.strip():
            err(where, "missing text")
            return
        n = words(text)
        if not low <= n <= high:
            err(where, f"{n} words, expected {low}-{high}")

    # ---------------------------------------------------------------- organisation, units, people
    if ORGANISATION["default_rule"] not in RULES:
        err("organisation", "bad default_rule")

    units: dict[str, dict[str, Any]] = {}
    depth: dict[str, int] = {}
    for u in UNITS:
        key = u["key"]
        if key in units:
            err(f"unit {key}", "duplicate key")
        if u["parent"] is None:
            depth[key] = 1
        elif u["parent"] not in units:
            err(f"unit {key}", "parent missing or listed after the child")
            depth[key] = 1
        else:
            depth[key] = depth[u["parent"]] + 1
        units[key] = u
    if max(depth.values()) != 3:
        err("units", f"tree depth is {max(depth.values())}, expected 3")
    if sum(1 for u in UNITS if u["parent"] is None) != 1:
        err("units", "expected exactly one root")

    people: dict[str, dict[str, Any]] = {}
    emails: set[str] = set()
    for p in PEOPLE:
        key = p["key"]
        if key in people:
            err(f"person {key}", "duplicate key")
        people[key] = p
        if p["unit"] not in units:
            err(f"person {key}", "unknown unit")
        if p["role"] not in ROLES:
            err(f"person {key}", "bad role")
        if not isinstance(p["weight"], int) or not 1 <= p["weight"] <= 3:
            err(f"person {key}", "weight must be an int in 1..3")
        if p["language"] not in ("es", "en"):
            err(f"person {key}", "bad language")
        if p["email"] in emails:
            err(f"person {key}", "duplicate email")
        emails.add(p["email"])
        domain = "@datalia.example" if p["external"] else "@brisa.example"
        if not p["email"].endswith(domain):
            err(f"person {key}", f"email should end with {domain}")
    for u in UNITS:
        head = people.get(u["head"])
        if head is None:
            err(f"unit {u['key']}", "head is not a person")
        elif head["unit"] != u["key"] or head["role"] == "observer":
            err(f"unit {u['key']}", "head should be a non-observer member of the unit")

    def subtree(unit: str) -> set[str]:
        found = {unit}
        changed = True
        while changed:
            changed = False
            for u in UNITS:
                if u["parent"] in found and u["key"] not in found:
                    found.add(u["key"])
                    changed = True
        return found

    def ancestors(unit: str) -> list[str]:
        chain = []
        while unit is not None:
            chain.append(unit)
            unit = units[unit]["parent"]
        return chain

    def can_act(prop: dict[str, Any], person: str) -> bool:
        who = people.get(person)
        if who is None or who["role"] == "observer":
            return False
        parts = prop["participants"]
        if prop["visibility"] == "organisation":
            return True
        if prop["visibility"] == "participants":
            return person in parts or person == prop["author"]
        in_subtree = who["unit"] in subtree(prop["unit"])
        is_head = any(units[a]["head"] == person for a in ancestors(prop["unit"]))
        general = in_subtree or is_head or person in parts or person == prop["author"]
        # The demo keeps it simpler than the rule: only participants and the author act.
        return general and (person in parts or person == prop["author"])

    def eligible(prop: dict[str, Any]) -> list[str]:
        voters = [k for k, r in prop["participants"].items() if r in VOTER_ROLES]
        if voters:
            return voters
        return [k for k in people if can_act(prop, k)]

    def outcome(prop: dict[str, Any], final: dict[str, str]) -> set[str]:
        """States the rule allows for a close, given the final positions."""
        rule = prop["rule"]
        if rule == "decider":
            return {"accepted", "rejected"}
        if rule == "consent":
            blocked = any(
                final.get(k) == "block"
                for k, r in prop["participants"].items()
                if r in ("required", "decider")
            )
            return {"rejected"} if blocked else {"accepted"}
        voters = eligible(prop)
        if rule == "majority":
            total = sum(people[k]["weight"] for k in voters)
            voted = sum(people[k]["weight"] for k in voters if k in final)
            agree = sum(people[k]["weight"] for k in voters if final.get(k) == "agree")
            against = sum(
                people[k]["weight"] for k in voters if final.get(k) in ("disagree", "block")
            )
            if voted < 0.5 * total or agree + against == 0:
                return set()
            return {"accepted"} if agree / (agree + against) >= 0.5 else {"rejected"}
        # unanimity
        if any(final.get(k) in ("disagree", "block") for k in voters):
            return {"rejected"}
        if all(k in final for k in voters) and any(final[k] == "agree" for k in voters):
            return {"accepted"}
        return set()

    def looks_spanish(text: str) -> bool:
        padded = f" {text.lower()} "
        return sum(hint in padded for hint in SPANISH_HINTS) >= 2

    # ---------------------------------------------------------------- proposals
    REQUIRED = {
        "key",
        "author",
        "unit",
        "title",
        "summary",
        "body",
        "impact",
        "tags",
        "visibility",
        "rule",
        "participants",
        "start_days_ago",
        "span_days",
        "deadline_days",
        "language",
        "steps",
        "state",
    }
    OPTIONAL = {"close", "supersedes", "related", "withdrawn_from"}
    by_key: dict[str, dict[str, Any]] = {}
    stats = {"arguments": 0, "positions": 0, "revisions": 0, "edits": 0}
    revised, rich, deep, past_deadline = [], [], [], []
    tag_use: dict[str, int] = {}

    for prop in PROPOSALS:
        key = prop.get("key", "?")
        where = f"proposal {key}"
        missing = REQUIRED - set(prop)
        unknown = set(prop) - REQUIRED - OPTIONAL
        if missing or unknown:
            err(where, f"missing {sorted(missing)} unknown {sorted(unknown)}")
            continue
        if key in by_key:
            err(where, "duplicate key")
        by_key[key] = prop
        author = people.get(prop["author"])
        if author is None or author["role"] == "observer":
            err(where, "author must be a non-observer person")
            continue
        if prop["unit"] not in units:
            err(where, "unknown unit")
        if prop["visibility"] not in VISIBILITIES:
            err(where, "bad visibility")
        if prop["rule"] not in RULES:
            err(where, "bad rule")
        if prop["state"] not in STATES:
            err(where, "bad state")
        if prop["language"] != author["language"]:
            err(where, "proposal language differs from the author's language")
        if not prop["title"].strip() or len(prop["title"]) > 90:
            err(where, "title empty or longer than 90 characters")
        check_words(f"{where} summary", prop["summary"], 10, 60)
        check_words(f"{where} body", prop["body"], 80, 250)
        impact = prop["impact"]
        if impact is not None:
            if set(impact) != {"metric", "baseline", "target", "by_days"}:
                err(where, "impact keys")
            elif not isinstance(impact["by_days"], int) or impact["by_days"] <= 0:
                err(where, "impact.by_days must be a positive int")
        tags = prop["tags"]
        if not 1 <= len(tags) <= 3:
            err(where, "1-3 tags expected")
        for tag in tags:
            tag_use[tag] = tag_use.get(tag, 0) + 1
            bad = set(tag) - TAG_CHARS or tag.startswith("-") or tag.endswith("-")
            if bad or "--" in tag:
                err(where, f"bad tag {tag!r}")
        parts = prop["participants"]
        for person, role in parts.items():
            if person not in people:
                err(where, f"unknown participant {person}")
            if role not in PARTICIPANT_ROLES:
                err(where, f"bad participant role {role}")
        start, span = prop["start_days_ago"], prop["span_days"]
        if not 0 < start <= 200:
            err(where, "start_days_ago must be within 1..200")
        if not 0 <= span <= start:
            err(where, "span_days must be between 0 and start_days_ago")
        if prop["deadline_days"] <= 0:
            err(where, "deadline_days must be positive")
        state = prop["state"]
        if state == "open":
            if start > 60:
                err(where, "open proposals should be recent")
            if start > prop["deadline_days"]:
                past_deadline.append(key)

        # -------------------------------------------------------- steps
        args: dict[str, str] = {}
        level: dict[str, int] = {}
        final: dict[str, str] = {}
        n_revisions = 0
        texts_by_english: list[str] = []
        for i, step in enumerate(prop["steps"]):
            kinds = [k for k in ("argue", "revise", "edit", "position") if k in step]
            swhere = f"{where} step {i}"
            if len(kinds) != 1:
                err(swhere, "exactly one of argue/revise/edit/position expected")
                continue
            kind, actor = kinds[0], step.get("by")
            if not can_act(prop, actor):
                err(swhere, f"{actor} may not act here")
            if kind == "argue":
                akey = step["argue"]
                if akey in args:
                    err(swhere, f"duplicate argument key {akey}")
                if step["stance"] not in STANCES:
                    err(swhere, "bad stance")
                reply = step["reply_to"]
                if reply is not None and reply not in args:
                    err(swhere, f"reply_to {reply} is not an earlier argument")
                level[akey] = 1 if reply is None else level.get(reply, 1) + 1
                args[akey] = actor
                check_words(f"{swhere} ({akey})", step["body"], 20, 120)
                stats["arguments"] += 1
                text = step["body"]
            elif kind == "revise":
                change = step["revise"]
                if actor != prop["author"]:
                    err(swhere, "only the author revises")
                if not change or set(change) - {"title", "summary", "body"}:
                    err(swhere, "revise needs some of title/summary/body")
                if "body" in change:
                    check_words(f"{swhere} body", change["body"], 80, 250)
                if "summary" in change:
                    check_words(f"{swhere} summary", change["summary"], 10, 60)
                check_words(f"{swhere} note", step.get("note"), 10, 120)
                n_revisions += 1
                stats["revisions"] += 1
                text = step["note"]
            elif kind == "edit":
                target = step["edit"]
                if target not in args:
                    err(swhere, f"edit of unknown or later argument {target}")
                elif args[target] != actor:
                    err(swhere, "only the argument's author edits it")
                check_words(swhere, step["body"], 20, 120)
                stats["edits"] += 1
                text = step["body"]
            else:
                if step["position"] not in POSITIONS:
                    err(swhere, "bad position")
                if parts.get(actor) == "informed":
                    err(swhere, f"{actor} is informed and cannot take positions")
                check_words(swhere, step.get("reason"), 3, 60)
                final[actor] = step["position"]
                stats["positions"] += 1
                text = step["reason"]
            if prop["language"] == "en" or people.get(actor, {}).get("language") == "en":
                texts_by_english.append(text)
        for text in texts_by_english:
            if looks_spanish(text):
                err(where, f"text expected in English: {text[:50]!r}")
        if n_revisions:
            revised.append(key)
        if len(args) >= 15:
            rich.append(key)
        if level and max(level.values()) >= 3:
            deep.append(key)

        # -------------------------------------------------------- state and close
        close = prop.get("close")
        if state in ("draft", "open"):
            if close is not None:
                err(where, f"{state} proposals have no close")
            if state == "draft" and prop["steps"]:
                err(where, "drafts have no steps")
        elif close is None:
            err(where, f"{state} proposals need a close")
        else:
            closer = close.get("by")
            if not can_act(prop, closer):
                err(where, f"{closer} may not close this proposal")
            if state in ("accepted", "rejected"):
                if "decider" not in parts.values():
                    err(where, "accepted/rejected proposals need a decider")
                if parts.get(closer) != "decider":
                    err(where, "close.by must be a decider participant")
                check_words(f"{where} close", close.get("statement"), 40, 120)
                cites = close.get("cites")
                if not isinstance(cites, list) or any(c not in args for c in cites):
                    err(where, "cites must list argument keys of this proposal")
                allowed = outcome(prop, final)
                if state not in allowed:
                    err(where, f"rule {prop['rule']} allows {sorted(allowed)}, not {state}")
            else:
                if "cites" in close:
                    err(where, "withdrawn/abandoned closes have no cites")
                check_words(f"{where} close", close.get("statement"), 10, 120)
                if state == "withdrawn" and closer != prop["author"]:
                    err(where, "only the author withdraws")
                if state == "abandoned" and span < prop["deadline_days"]:
                    err(where, "abandoned proposals are closed after their deadline")
                if state == "abandoned":
                    admin = people.get(closer, {}).get("role") == "admin"
                    if parts.get(closer) != "decider" and not admin:
                        err(where, "abandon needs a decider participant or an admin")
        if "withdrawn_from" in prop:
            if state != "withdrawn" or prop["withdrawn_from"] != "draft" or prop["steps"]:
                err(where, "withdrawn_from 'draft' only for withdrawn proposals without steps")
        elif state == "withdrawn" and not prop["steps"]:
            err(where, "withdrawn without steps needs withdrawn_from 'draft'")

    for prop in PROPOSALS:
        where = f"proposal {prop['key']}"
        sup = prop.get("supersedes")
        if sup is not None:
            if sup not in by_key or sup == prop["key"]:
                err(where, "supersedes an unknown proposal")
            elif by_key[sup]["start_days_ago"] <= prop["start_days_ago"]:
                err(where, "a superseding proposal must start later")
        for rel in prop.get("related", []):
            if rel not in by_key or rel == prop["key"]:
                err(where, f"related to unknown proposal {rel}")

    # ---------------------------------------------------------------- the mix
    def count(field: str) -> dict[str, int]:
        result: dict[str, int] = {}
        for prop in PROPOSALS:
            result[prop[field]] = result.get(prop[field], 0) + 1
        return dict(sorted(result.items()))

    states, rules = count("state"), count("rule")
    languages, visibilities = count("language"), count("visibility")
    expected = {
        "draft": (2, 4),
        "open": (7, 9),
        "accepted": (7, 10),
        "rejected": (3, 5),
        "withdrawn": (2, 4),
        "abandoned": (2, 4),
    }
    for state, (low, high) in expected.items():
        if not low <= states.get(state, 0) <= high:
            err("mix", f"{states.get(state, 0)} {state} proposals, expected {low}-{high}")
    if not 28 <= len(PROPOSALS) <= 32:
        err("mix", f"{len(PROPOSALS)} proposals, expected about 30")
    if rules.get("unanimity") != 2 or max(rules.values()) != rules.get("consent"):
        err("mix", f"rules {rules}")
    if not 4 <= languages.get("en", 0) <= 5:
        err("mix", "expected 4-5 English proposals")
    if not 2 <= visibilities.get("participants", 0) <= 3:
        err("mix", "expected 2-3 participants-only proposals")
    if len(revised) < 8:
        err("mix", f"only {len(revised)} proposals have revisions")
    if not 2 <= len(rich) <= 3:
        err("mix", f"{len(rich)} rich debates, expected 2-3")
    if not 1 <= len(past_deadline) <= 2:
        err("mix", f"{len(past_deadline)} open proposals past their deadline, expected 1-2")
    linked = [p["key"] for p in PROPOSALS if p.get("supersedes") or p.get("related")]
    if len(linked) < 3:
        err("mix", "expected at least 3 proposals with supersedes/related links")
    lonely = sorted(tag for tag, n in tag_use.items() if n == 1)
    if len(lonely) > 2:
        err("mix", f"tags used only once: {lonely}")
    admins = [k for k, p in people.items() if p["role"] == "admin"]
    observers = [k for k, p in people.items() if p["role"] == "observer"]
    externals = [k for k, p in people.items() if p["external"]]
    english = [k for k, p in people.items() if p["language"] == "en"]

    print(f"organisation: {ORGANISATION['name']} ({ORGANISATION['slug']})")
    print(f"units: {len(UNITS)} (depth {max(depth.values())})")
    print(
        f"people: {len(PEOPLE)}; admins {admins}; observers {observers}; "
        f"externals {externals}; English speakers {english}"
    )
    print(f"proposals: {len(PROPOSALS)}")
    print(f"  by state: {states}")
    print(f"  by rule: {rules}")
    print(f"  by language: {languages}")
    print(f"  by visibility: {visibilities}")
    print(f"  steps: {stats}")
    print(f"  revised ({len(revised)}): {revised}")
    print(f"  rich debates: {rich}")
    print(f"  threads 3+ levels deep: {len(deep)}")
    print(f"  open past deadline: {past_deadline}")
    print(f"  linked (supersedes/related): {linked}")
    print(f"  tags: {dict(sorted(tag_use.items()))}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for line in errors:
            print(f"  - {line}")
        raise SystemExit(1)
    print("\nall checks passed")
