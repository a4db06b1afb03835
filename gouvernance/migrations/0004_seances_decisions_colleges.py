"""Séances (cogérance, assemblées, plénières, réunions thématiques), présences et
procurations, ordre du jour, décisions et votes (par collège le cas échéant), actions de
suivi, PDF des procès-verbaux ; collèges de vote et collège facultatif d'un·e associé·e."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('espaces', '0008_tarif_mention_exoneration'),
        ('gouvernance', '0003_categorie_des_associes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='College',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nom', models.CharField(max_length=100, verbose_name='nom')),
                ('poids', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='poids (% des voix)')),
                ('ordre', models.PositiveSmallIntegerField(default=0, verbose_name='ordre')),
                ('actif', models.BooleanField(default=True, verbose_name='actif')),
            ],
            options={
                'verbose_name': 'collège de vote',
                'verbose_name_plural': 'collèges de vote',
                'ordering': ['-actif', 'ordre', 'nom'],
                'constraints': [models.CheckConstraint(condition=models.Q(('poids__gt', 0), ('poids__lte', 100)), name='college_poids_pourcentage'), models.UniqueConstraint(django.db.models.functions.text.Lower('nom'), condition=models.Q(('actif', True)), name='college_nom_unique_parmi_actifs')],
            },
        ),
        migrations.AddField(
            model_name='associe',
            name='college',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='associes', to='gouvernance.college', verbose_name='collège de vote'),
        ),
        migrations.CreateModel(
            name='Decision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rang', models.PositiveSmallIntegerField(default=0, verbose_name='ordre dans la séance')),
                ('reference', models.CharField(blank=True, max_length=20, null=True, unique=True, verbose_name='référence')),
                ('rang_mois', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='rang dans le mois')),
                ('titre', models.CharField(max_length=200, verbose_name='intitulé')),
                ('texte', models.TextField(max_length=5000, verbose_name='texte de la décision')),
                ('categorie', models.CharField(choices=[('batiment', 'Bâtiment'), ('finances', 'Finances'), ('rh', 'Ressources humaines'), ('projets', 'Projets'), ('habitants', 'Habitants'), ('tarifs', 'Tarifs'), ('gouvernance', 'Gouvernance'), ('autre', 'Autre')], max_length=12, verbose_name='catégorie')),
                ('mode', models.CharField(choices=[('consensus', 'Consensus'), ('vote', 'Vote')], max_length=10, verbose_name='mode')),
                ('resultat', models.CharField(choices=[('adoptee', 'Adoptée'), ('rejetee', 'Rejetée')], max_length=10, verbose_name='résultat')),
                ('pour', models.PositiveIntegerField(blank=True, null=True, verbose_name='pour')),
                ('contre', models.PositiveIntegerField(blank=True, null=True, verbose_name='contre')),
                ('abstention', models.PositiveIntegerField(blank=True, null=True, verbose_name='abstentions')),
                ('pour_pondere', models.DecimalField(blank=True, decimal_places=4, max_digits=7, null=True, verbose_name='pour (pondéré, %)')),
                ('cree_le', models.DateTimeField(auto_now_add=True, verbose_name='enregistrée le')),
                ('corrige', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='gouvernance.decision', verbose_name='corrige la décision')),
            ],
            options={
                'verbose_name': 'décision',
                'verbose_name_plural': 'décisions',
                'ordering': ['seance', 'rang', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Action',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('libelle', models.CharField(max_length=300, verbose_name='action')),
                ('echeance', models.DateField(verbose_name='échéance')),
                ('statut', models.CharField(choices=[('a_faire', 'À faire'), ('fait', 'Fait'), ('abandonne', 'Abandonné')], default='a_faire', max_length=10, verbose_name='statut')),
                ('statut_le', models.DateTimeField(blank=True, null=True, verbose_name='statut changé le')),
                ('commentaire', models.CharField(blank=True, max_length=500, verbose_name='commentaire')),
                ('cree_le', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                ('responsable', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions_gouvernance', to=settings.AUTH_USER_MODEL, verbose_name='responsable')),
                ('statut_par', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='actions', to='gouvernance.decision', verbose_name='décision')),
            ],
            options={
                'verbose_name': 'action de suivi',
                'verbose_name_plural': 'actions de suivi',
                'ordering': ['echeance', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Seance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('type', models.CharField(choices=[('cogerance', 'Cogérance mensuelle'), ('ago', 'Assemblée générale ordinaire'), ('age', 'Assemblée générale extraordinaire'), ('pleniere', 'Réunion plénière'), ('thematique', 'Réunion thématique')], max_length=12, verbose_name='type de séance')),
                ('titre', models.CharField(max_length=200, verbose_name='titre')),
                ('debut', models.DateTimeField(verbose_name='début')),
                ('fin', models.DateTimeField(blank=True, null=True, verbose_name='fin')),
                ('lieu', models.CharField(max_length=300, verbose_name='lieu')),
                ('convocation', models.PositiveSmallIntegerField(choices=[(1, 'Première convocation'), (2, 'Seconde convocation')], default=1, verbose_name='convocation')),
                ('invites', models.TextField(blank=True, max_length=2000, verbose_name='invité·es (sans droit de vote)')),
                ('documents', models.TextField(blank=True, help_text='Un document par ligne.', max_length=5000, verbose_name='documents présentés')),
                ('debats', models.TextField(blank=True, max_length=20000, verbose_name='résumé des débats')),
                ('statut', models.CharField(choices=[('brouillon', 'Procès-verbal en cours'), ('approuvee', 'Procès-verbal approuvé')], default='brouillon', max_length=10, verbose_name='statut')),
                ('convoquee_le', models.DateTimeField(blank=True, null=True, verbose_name='convocation envoyée le')),
                ('sequence', models.PositiveIntegerField(default=0, verbose_name='version de la convocation')),
                ('annee_pv', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='année du procès-verbal')),
                ('rang_pv', models.PositiveIntegerField(blank=True, null=True, verbose_name='rang du procès-verbal')),
                ('numero', models.CharField(blank=True, max_length=20, null=True, unique=True, verbose_name='numéro')),
                ('approuvee_le', models.DateTimeField(blank=True, null=True, verbose_name='approuvé le')),
                ('cree_le', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                ('approuvee_par', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cree_par', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('president', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='présidence de séance')),
                ('reservation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='espaces.reservation', verbose_name='salle réservée')),
                ('secretaire', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='secrétaire de séance')),
            ],
            options={
                'verbose_name': 'séance',
                'verbose_name_plural': 'séances',
                'ordering': ['-debut', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Point',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rang', models.PositiveSmallIntegerField(default=0, verbose_name='ordre')),
                ('titre', models.CharField(max_length=200, verbose_name='point')),
                ('description', models.TextField(blank=True, max_length=2000, verbose_name='précisions')),
                ('propose_le', models.DateTimeField(blank=True, null=True, verbose_name='proposé le')),
                ('action', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='suivis', to='gouvernance.action')),
                ('propose_par', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposé par')),
                ('seance', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='points', to='gouvernance.seance')),
            ],
            options={
                'verbose_name': "point de l'ordre du jour",
                'verbose_name_plural': "points de l'ordre du jour",
                'ordering': ['seance', 'rang', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Participant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nom', models.CharField(max_length=200, verbose_name='nom')),
                ('presence', models.CharField(choices=[('present', 'Présent·e'), ('represente', 'Représenté·e'), ('excuse', 'Excusé·e'), ('absent', 'Absent·e')], default='absent', max_length=12, verbose_name='présence')),
                ('representant', models.CharField(blank=True, help_text='Pour une structure : la personne qui la représente.', max_length=200, verbose_name='représenté·e sur place par')),
                ('rang', models.PositiveSmallIntegerField(default=0, verbose_name='ordre')),
                ('associe', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='presences', to='gouvernance.associe')),
                ('college', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='presences', to='gouvernance.college', verbose_name='collège')),
                ('mandataire', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='procurations', to='gouvernance.participant', verbose_name='procuration donnée à')),
                ('personne', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='presences_gouvernance', to=settings.AUTH_USER_MODEL)),
                ('seance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='gouvernance.seance')),
            ],
            options={
                'verbose_name': 'présence',
                'verbose_name_plural': 'présences',
                'ordering': ['seance', 'rang', 'nom', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='DocumentPv',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contenu', models.BinaryField(verbose_name='contenu')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('taille', models.PositiveIntegerField(verbose_name='taille (octets)')),
                ('cree_le', models.DateTimeField(auto_now_add=True)),
                ('seance', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='document', to='gouvernance.seance')),
            ],
            options={
                'verbose_name': 'PDF de procès-verbal',
                'verbose_name_plural': 'PDF de procès-verbaux',
            },
        ),
        migrations.AddField(
            model_name='decision',
            name='seance',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='gouvernance.seance'),
        ),
        migrations.AddField(
            model_name='action',
            name='seance',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='gouvernance.seance'),
        ),
        migrations.CreateModel(
            name='VoteCollege',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('college_nom', models.CharField(max_length=100, verbose_name='collège')),
                ('poids', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='poids (%)')),
                ('pour', models.PositiveIntegerField(default=0, verbose_name='pour')),
                ('contre', models.PositiveIntegerField(default=0, verbose_name='contre')),
                ('abstention', models.PositiveIntegerField(default=0, verbose_name='abstentions')),
                ('college', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='votes', to='gouvernance.college')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes_colleges', to='gouvernance.decision')),
            ],
            options={
                'verbose_name': "vote d'un collège",
                'verbose_name_plural': 'votes des collèges',
                'ordering': ['decision', '-poids', 'college_nom'],
            },
        ),
        migrations.AddIndex(
            model_name='seance',
            index=models.Index(fields=['statut', 'debut'], name='gouvernance_statut_675819_idx'),
        ),
        migrations.AddConstraint(
            model_name='seance',
            constraint=models.CheckConstraint(condition=models.Q(('fin__isnull', True), ('fin__gt', models.F('debut')), _connector='OR'), name='seance_fin_apres_debut'),
        ),
        migrations.AddConstraint(
            model_name='seance',
            constraint=models.CheckConstraint(condition=models.Q(('statut', 'brouillon'), models.Q(('annee_pv__isnull', False), ('approuvee_le__isnull', False), ('numero__isnull', False), ('rang_pv__isnull', False)), _connector='OR'), name='seance_approuvee_numerotee'),
        ),
        migrations.AddConstraint(
            model_name='seance',
            constraint=models.UniqueConstraint(models.F('annee_pv'), models.F('rang_pv'), condition=models.Q(('rang_pv__isnull', False)), name='seance_rang_pv'),
        ),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('associe__isnull', False), ('personne__isnull', True)), models.Q(('associe__isnull', True), ('personne__isnull', False)), _connector='OR'), name='participant_associe_ou_personne'),
        ),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('mandataire__isnull', False), ('presence', 'represente')), models.Q(models.Q(('presence', 'represente'), _negated=True), ('mandataire__isnull', True)), _connector='OR'), name='participant_procuration_si_represente'),
        ),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.CheckConstraint(condition=models.Q(('mandataire', models.F('pk')), _negated=True), name='participant_pas_sa_propre_procuration'),
        ),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.UniqueConstraint(models.F('seance'), models.F('associe'), condition=models.Q(('associe__isnull', False)), name='participant_associe_unique'),
        ),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.UniqueConstraint(models.F('seance'), models.F('personne'), condition=models.Q(('personne__isnull', False)), name='participant_personne_unique'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('abstention__isnull', True), ('contre__isnull', True), ('mode', 'consensus'), ('pour__isnull', True), ('resultat', 'adoptee')), models.Q(('abstention__isnull', False), ('contre__isnull', False), ('mode', 'vote'), ('pour__isnull', False)), _connector='OR'), name='decision_vote_ou_consensus'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('reference__isnull', True), ('rang_mois__isnull', False), _connector='OR'), name='decision_reference_rang'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('corrige__isnull', True), models.Q(('corrige', models.F('pk')), _negated=True), _connector='OR'), name='decision_ne_se_corrige_pas_elle_meme'),
        ),
        migrations.AddIndex(
            model_name='action',
            index=models.Index(fields=['statut', 'echeance'], name='gouvernance_statut_324407_idx'),
        ),
        migrations.AddConstraint(
            model_name='votecollege',
            constraint=models.UniqueConstraint(models.F('decision'), models.F('college'), name='vote_college_unique'),
        ),
    ]
